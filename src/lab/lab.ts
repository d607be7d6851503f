// The lab: from a topology to running, ready hosts on their own internal network, and always back to nothing.
// Lifecycle in the types: new Lab(options) → start() → StartedLab (usable with `await using`) → stop() → StoppedLab.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  AbortedError,
  errorMessage,
  LabError,
  ReadinessTimeoutError,
  ScenarioConfigError,
} from '../common/errors.js';
import { pollUntil } from '../common/wait.js';
import type { ContainerRuntime } from './container-runtime.js';
import { DockerRuntime } from './docker-runtime.js';
import type { FreeswitchRole } from './freeswitch-role.js';
import type { HostSpec } from './host-spec.js';
import { labImageTag } from './image-build.js';
import type { KamailioOptions } from './kamailio-role.js';
import { freeSubnetIndexes, type LabAddresses, labAddresses } from './lab-addresses.js';
import { LabHost } from './lab-host.js';
import { labLabel, teardownLab } from './lab-teardown.js';
import { type TopologyName, topologyProblem, topologyStages } from './lab-topology.js';
import type { ProxyChoice } from './proxy-choice.js';
import { installSignalGuard } from './signal-guard.js';
import { StartedLab } from './started-lab.js';

/** What lab to bring up. */
export interface LabOptions {
  /** Default farm. */
  topology?: TopologyName;
  /** Number of FreeSWITCH nodes (default 0; needs `freeswitchRole` when > 0). */
  freeswitchNodes?: number;
  /** Renders each FreeSWITCH node (fs-sim, or a real FreeSWITCH image). */
  freeswitchRole?: FreeswitchRole;
  /** Lab image (default: zerodrop/lab:<hash of its inputs>, which must exist). */
  image?: string;
  postgres?: {
    /** psql script run once in the database at bring-up; a function gets the lab's addresses. */
    initSql?: string | ((addresses: LabAddresses) => string);
    /** Default `freeswitch`. */
    database?: string;
  };
  kamailio?: KamailioOptions;
  /** farm: the proxy (default Kamailio from the lab image; OpenSIPS from its image, see selectProxy). */
  proxy?: ProxyChoice;
  /** keepalived topology: nopreempt on both nodes (default true). */
  nopreempt?: boolean;
  /** keepalived topology: a node takes over only as the calls' confirmed only owner (default false). */
  selfFence?: boolean;
  /** Lab id (default: 6 random hex digits); names every container and network. */
  id?: string;
  /** Where teardown writes every host's log (default reports/labs/<id>). */
  logsDir?: string;
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
  /** Tear down on SIGINT/SIGTERM during bring-up (default true). */
  handleSignals?: boolean;
  runtime?: ContainerRuntime;
}

const isOverlap = (e: unknown) => /overlap/i.test(errorMessage(e));

/** A lab not yet started. */
export class Lab {
  constructor(readonly options: LabOptions = {}) {}

  /** Creates the network, starts every host stage by stage and waits until each is ready; tears down on any failure. */
  async start(): Promise<StartedLab> {
    const o = this.options;
    const topology = o.topology ?? 'farm';
    const nodes = o.freeswitchNodes ?? 0;
    const problem = topologyProblem(topology, nodes, o.freeswitchRole !== undefined);
    if (problem) throw new ScenarioConfigError('lab.topology', problem);
    const id = o.id ?? randomBytes(3).toString('hex');
    if (!/^[a-z0-9][a-z0-9-]{0,30}$/.test(id))
      throw new ScenarioConfigError('lab.id', `bad id ${JSON.stringify(id)}`);
    const progress = (line: string) => o.onProgress?.(`[lab ${id}] ${line}`);
    const runtime = o.runtime ?? (await DockerRuntime.connect());
    const image = o.image ?? labImageTag();
    if (!(await runtime.imageExists(image))) {
      throw new LabError('image', 'find', `${image} does not exist; build it with: zerodrop image build`);
    }
    if (topology === 'farm' && o.proxy?.kind === 'opensips' && !(await runtime.imageExists(o.proxy.image))) {
      throw new LabError(
        'proxy',
        'find',
        `OpenSIPS image ${o.proxy.image} does not exist (nothing is pulled); pack one with: zerodrop image opensips --from-prefix DIR`,
      );
    }
    // Checked before anything is created: a failed bring-up tears down by id and must never hit another lab.
    if (
      (await runtime.listNetworks(labLabel, id)).length ||
      (await runtime.listContainers(labLabel, id)).length
    ) {
      throw new LabError(`zd-${id}`, 'start', `lab id ${id} is already in use (see: zerodrop lab status)`);
    }
    const logsDir = o.logsDir ?? join(process.cwd(), 'reports', 'labs', id);
    const guard = o.handleSignals === false ? undefined : installSignalGuard(o.signal);
    const signal = guard?.signal ?? o.signal ?? new AbortController().signal;
    const started = performance.now();
    try {
      const { network, addresses } = await this.createNetwork(runtime, id, topology, nodes, progress);
      const initSql =
        typeof o.postgres?.initSql === 'function' ? o.postgres.initSql(addresses) : o.postgres?.initSql;
      const stages = topologyStages({
        labId: id,
        topology,
        freeswitchNodes: nodes,
        freeswitchRole: o.freeswitchRole,
        image,
        addresses,
        postgres: { initSql, database: o.postgres?.database },
        kamailio: o.kamailio,
        proxy: o.proxy,
        nopreempt: o.nopreempt,
        selfFence: o.selfFence,
      });
      const hosts: LabHost[] = [];
      for (const stage of stages) {
        hosts.push(...(await startStage(runtime, id, topology, network, stage, signal, progress)));
      }
      const lab = new StartedLab(id, topology, addresses, network, hosts, runtime, logsDir, progress);
      // with preempt the lab is steady only once fs1 (priority 150) holds the VIP, whoever was ready first
      if (topology === 'keepalived' && nodes === 2)
        await waitForVipHolder(lab, signal, progress, o.nopreempt === false ? 'fs1' : undefined);
      progress(
        `up in ${Math.round(performance.now() - started)} ms: ${hosts.map((h) => `${h.name}=${h.ip}`).join(' ')}`,
      );
      guard?.release();
      return lab;
    } catch (e) {
      progress(`bring-up failed (${errorMessage(e).split('\n')[0]}); tearing down`);
      await teardownLab(runtime, id, { logsDir, onProgress: o.onProgress }).catch((t: unknown) =>
        progress(`teardown after failure: ${errorMessage(t)}`),
      );
      guard?.releaseAndReraise();
      if (signal.aborted && !(e instanceof AbortedError))
        throw new AbortedError(`lab ${id}: bring-up aborted`, { cause: e });
      throw e;
    }
  }

  private async createNetwork(
    runtime: ContainerRuntime,
    id: string,
    topology: TopologyName,
    nodes: number,
    progress: (line: string) => void,
  ): Promise<{ network: string; addresses: LabAddresses }> {
    const name = `zd-${id}`;
    const tried = new Set<number>();
    for (let attempt = 0; attempt < 20; attempt++) {
      // Parallel labs may pick the same free subnet; the loser's create fails with an overlap and tries the next.
      const n = freeSubnetIndexes(await runtime.usedSubnets()).find((i) => !tried.has(i));
      if (n === undefined) break;
      tried.add(n);
      const addresses = labAddresses(n, nodes);
      try {
        await runtime.createNetwork({
          name,
          subnet: addresses.subnet,
          gateway: addresses.gateway,
          labels: { [labLabel]: id, 'zerodrop.topology': topology },
        });
        progress(`network ${name} ${addresses.subnet} (internal, gateway ${addresses.gateway})`);
        return { network: name, addresses };
      } catch (e) {
        if (/already exists/i.test(errorMessage(e))) {
          throw new LabError(name, 'network create', `lab id ${id} is already in use (zerodrop lab status)`, {
            cause: e,
          });
        }
        if (!isOverlap(e)) throw new LabError(name, 'network create', errorMessage(e), { cause: e });
      }
    }
    throw new LabError(name, 'network create', 'no free 198.19.<n>.0/24 subnet');
  }
}

/** Starts one stage's hosts together; the first failure aborts the others' waits. */
async function startStage(
  runtime: ContainerRuntime,
  id: string,
  topology: TopologyName,
  network: string,
  stage: HostSpec[],
  parent: AbortSignal,
  progress: (line: string) => void,
): Promise<LabHost[]> {
  const stageAbort = new AbortController();
  const onParent = () => stageAbort.abort(parent.reason);
  parent.addEventListener('abort', onParent, { once: true });
  if (parent.aborted) stageAbort.abort(parent.reason);
  const results = await Promise.allSettled(
    stage.map(async (spec) => {
      try {
        return await startHost(runtime, id, topology, network, spec, stageAbort.signal, progress);
      } catch (e) {
        stageAbort.abort(e);
        throw e;
      }
    }),
  );
  parent.removeEventListener('abort', onParent);
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  const first = failures.find((e) => !(e instanceof AbortedError)) ?? failures[0];
  if (first !== undefined) throw first;
  return results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
}

async function startHost(
  runtime: ContainerRuntime,
  id: string,
  topology: TopologyName,
  network: string,
  spec: HostSpec,
  signal: AbortSignal,
  progress: (line: string) => void,
): Promise<LabHost> {
  if (signal.aborted) throw new AbortedError(`${spec.name}: not started, bring-up aborted`);
  const t0 = performance.now();
  const container = await runtime.startContainer({
    name: `zd-${id}-${spec.name}`,
    hostname: spec.name,
    image: spec.image,
    command: spec.command,
    env: spec.env,
    labels: {
      [labLabel]: id,
      'zerodrop.role': spec.role,
      'zerodrop.host': spec.name,
      'zerodrop.topology': topology,
    },
    network,
    ip: spec.ip,
    files: spec.files,
    sysctls: spec.sysctls,
    caps: spec.caps,
  });
  const host = new LabHost(spec.name, spec.role, spec.ip, container, network);
  progress(`${spec.name} (${spec.role}) started at ${spec.ip}, waiting: ${spec.readiness.description}`);
  const t1 = performance.now();
  await spec.readiness.waitUntilReady(host.readinessContext(signal));
  const t2 = performance.now();
  if (spec.setup) await spec.setup(host);
  const ms = (a: number, b: number) => Math.round(b - a);
  const t3 = performance.now();
  progress(
    `${spec.name} ready in ${ms(t0, t3)} ms (start ${ms(t0, t1)}, wait ${ms(t1, t2)}, setup ${ms(t2, t3)})`,
  );
  return host;
}

/** keepalived topology: ready once exactly one node holds the VIP (VRRP elects within ~3 advert intervals). */
async function waitForVipHolder(
  lab: StartedLab,
  signal: AbortSignal,
  progress: (line: string) => void,
  expected?: string,
): Promise<void> {
  const t0 = performance.now();
  const timeoutMs = 15_000;
  const holder = await pollUntil(
    async () => {
      const h = await lab.vipHolder();
      return expected === undefined || h?.name === expected ? h : undefined;
    },
    { timeoutMs, intervalMs: 200, signal },
  );
  if (!holder) {
    const logs = await Promise.all(
      lab.freeswitch.map(async (h) => (await h.logs(15)).map((l) => `${h.name}: ${l}`)),
    );
    throw new ReadinessTimeoutError(
      'vip',
      timeoutMs,
      logs.flat(),
      `no single node holds ${lab.addresses.vip}${expected ? ` (expected ${expected})` : ''}`,
    );
  }
  progress(`VIP ${lab.addresses.vip} held by ${holder.name} after ${Math.round(performance.now() - t0)} ms`);
}
