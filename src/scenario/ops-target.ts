// Where an operations command acts: a running lab (by Docker label), a config file, or a bare PostgreSQL DSN.
import type pg from 'pg';
import { ScenarioConfigError } from '../common/errors.js';
import type { ActionResult } from '../common/result.js';
import { DockerRuntime } from '../lab/docker-runtime.js';
import { LabHost } from '../lab/lab-host.js';
import { listLabs } from '../lab/lab-inventory.js';
import { labLabel } from '../lab/lab-teardown.js';
import type { NodeHost } from '../recovery/node-host.js';
import { runFenceHook } from './fence-hook.js';
import type { NodeEsl } from './node-control.js';
import { loadOpsConfig } from './ops-config.js';

/** How a node is fenced. */
export interface Fence {
  /** For messages: 'container kill', 'hook: CMD'. */
  method: string;
  /** True when success means the node is gone for sure (the runtime says the container exited); a hook's
   * success is checked by probing ESL once more. */
  verified: boolean;
  run(): Promise<ActionResult>;
}

/** A resolved deployment: the controller role's pool config, each node's ESL and fence. */
export interface OpsTarget {
  /** 'lab ID', 'config FILE' or 'postgres HOST'. */
  where: string;
  pg: pg.PoolConfig;
  /** ESL of a node; `hosts` are zerodrop.hosts (labs and bare DSNs use the node's SIP address). */
  esl(node: string, hosts: readonly NodeHost[]): NodeEsl | undefined;
  fence(node: string): Fence | undefined;
}

/** Command-line flags that choose the target; at most one of lab/pg/config. */
export interface TargetFlags {
  lab?: string;
  pg?: string;
  config?: string;
  /** ESL password for lab and --pg nodes (lab default 'zerodrop', else 'ClueCon'). */
  eslPassword?: string;
  /** Fence hook for every node (overrides the config's and the lab's container kill). */
  fenceCmd?: string;
}

/** The lab's fixed credentials (lab/postgres: controller role zerodrop, database freeswitch; fs-sim ESL). */
export const LAB_PG = { port: 5432, database: 'freeswitch', user: 'zerodrop', password: 'zerodrop' } as const;
export const LAB_ESL_PASSWORD = 'zerodrop';

const hookFence = (command: string, node: string, eslHost?: string, timeoutMs?: number): Fence => ({
  method: `hook: ${command}`,
  verified: false,
  run: () =>
    runFenceHook(command, { node, ...(eslHost ? { eslHost } : {}), ...(timeoutMs ? { timeoutMs } : {}) }),
});

const hostEsl = (password: string) => (node: string, hosts: readonly NodeHost[]) => {
  const h = hosts.find((x) => x.node === node);
  return h ? { host: h.sipIp, port: 8021, password } : undefined;
};

/** Resolves the flags; with none, the one running lab (an error names them when there are several). */
export async function resolveOpsTarget(flags: TargetFlags): Promise<OpsTarget> {
  const given = (['lab', 'pg', 'config'] as const).filter((k) => flags[k] !== undefined);
  if (given.length > 1)
    throw new ScenarioConfigError(
      `--${given[1]}`,
      `give only one of --lab, --pg, --config (got ${given.join(', ')})`,
    );
  if (flags.config !== undefined) {
    const file = flags.config;
    const config = loadOpsConfig(file);
    return {
      where: `config ${file}`,
      pg: { connectionString: config.pg, connectionTimeoutMillis: 3_000 },
      esl: (node) => config.nodes.find((n) => n.name === node)?.esl,
      fence: (node) => {
        const n = config.nodes.find((x) => x.name === node);
        const command = flags.fenceCmd ?? n?.fence;
        return command ? hookFence(command, node, n?.esl.host, n?.fenceTimeoutMs) : undefined;
      },
    };
  }
  if (flags.pg !== undefined) {
    if (!/^postgres(ql)?:\/\/\S+$/.test(flags.pg))
      throw new ScenarioConfigError(
        '--pg',
        'must be a postgres://USER:PASSWORD@HOST:PORT/DB connection string',
      );
    return {
      where: `postgres ${flags.pg.replace(/\/\/[^@/]*@/, '//…@')}`,
      pg: { connectionString: flags.pg, connectionTimeoutMillis: 3_000 },
      esl: hostEsl(flags.eslPassword ?? 'ClueCon'),
      fence: (node) => (flags.fenceCmd ? hookFence(flags.fenceCmd, node) : undefined),
    };
  }
  return labTarget(flags);
}

async function labTarget(flags: TargetFlags): Promise<OpsTarget> {
  const runtime = await DockerRuntime.connect();
  let id = flags.lab;
  if (id === undefined) {
    const labs = await listLabs(runtime);
    if (labs.length !== 1)
      throw new ScenarioConfigError(
        '--lab',
        labs.length === 0
          ? 'no zerodrop lab is running (start one with `zerodrop lab up --keep`, or give --config / --pg)'
          : `${labs.length} labs are running (${labs.map((l) => l.id).join(', ')}): give --lab ID`,
      );
    id = labs[0]!.id;
  }
  const containers = await runtime.listContainers(labLabel, id);
  if (containers.length === 0)
    throw new ScenarioConfigError('--lab', `no lab ${id} (see: zerodrop lab status)`);
  const pgHost = containers.find((c) => c.labels['zerodrop.role'] === 'postgres');
  if (!pgHost?.ip) throw new ScenarioConfigError('--lab', `lab ${id} has no running PostgreSQL host`);
  const labId = id;
  return {
    where: `lab ${labId}`,
    pg: { host: pgHost.ip, ...LAB_PG, connectionTimeoutMillis: 3_000 },
    esl: hostEsl(flags.eslPassword ?? LAB_ESL_PASSWORD),
    fence: (node) => {
      if (flags.fenceCmd) return hookFence(flags.fenceCmd, node);
      const c = containers.find(
        (x) => x.labels['zerodrop.role'] === 'freeswitch' && x.labels['zerodrop.host'] === node,
      );
      if (!c) return undefined;
      const host = new LabHost(node, 'freeswitch', c.ip ?? '', runtime.container(c.id), `zd-${labId}`);
      return {
        method: 'container kill',
        verified: true,
        run: async () => {
          const r = await host.kill('SIGKILL');
          // Already dead is fenced: the kill's "not running" error is no failure.
          if (!r.ok && /not running|No such container/i.test(r.error ?? ''))
            return { ok: true, timedOut: false, durationMs: r.durationMs };
          return r;
        },
      };
    },
  };
}
