// `zerodrop controller` (the failover controller over a running lab or a config file, until Ctrl-C) and
// `zerodrop notify` (the keepalived notify entry point: MASTER runs `sofia recover` on the local node).
import { Command, Option } from 'commander';
import { type Clock, systemClock } from '../common/clock.js';
import { ScenarioConfigError } from '../common/errors.js';
import type { EventDraft } from '../common/event.js';
import { delay } from '../common/wait.js';
import { FailoverController } from '../failover/failover-controller.js';
import type { CallMover, FailoverNode } from '../failover/failover-ports.js';
import { EslEndpoint } from '../freeswitch/esl-endpoint.js';
import { RecoveryStore } from '../recovery/recovery-store.js';
import { storeMover } from './lab-failover.js';
import { type NodeEsl, withEsl } from './node-control.js';
import { loadOpsConfig } from './ops-config.js';
import { intOption, opsGuard, targetOptions } from './ops-options.js';
import { type Fence, resolveOpsTarget, type TargetFlags } from './ops-target.js';

/** A node for the controller: probe and recover over two kept ESL connections, the target's fence. */
export function opsFailoverNode(
  name: string,
  esl: NodeEsl,
  fence: Fence,
): FailoverNode & { close(): Promise<void> } {
  const endpoint = new EslEndpoint({ ...esl, connectTimeoutMs: 1_000, commandTimeoutMs: 10_000 });
  // Recover gets its own connection: ESL answers one connection's api commands in turn, and probes stuck
  // behind a long recover would make a healthy target look dead.
  const control = new EslEndpoint({ ...esl, connectTimeoutMs: 1_000, commandTimeoutMs: 30_000 });
  return {
    name,
    probe: () => endpoint.probe(undefined, { timeoutMs: 1_000 }),
    fence: () => fence.run(),
    recover: () => control.recover({ timeoutMs: 30_000 }),
    close: async () => {
      await Promise.all([endpoint.close(), control.close()]);
    },
  };
}

/** One controller step as a console line: wall time, ms since start, kind, type, value. */
export function formatStep(e: EventDraft, startMs: number, clock: Clock = systemClock): string {
  const rel = `+${((e.timeMs - startMs) / 1000).toFixed(3)}s`;
  return `${clock.wallTime()} ${rel.padStart(10)} ${e.kind.replace(/^controller\./, '').padEnd(8)} ${e.type.padEnd(6)} ${JSON.stringify(e.value)}`;
}

interface ControllerFlags extends TargetFlags {
  probeIntervalMs: number;
  failures: number;
  spread: boolean;
}

/** Resolves when SIGINT or SIGTERM arrives, keeping the process alive until then. */
function untilStopped(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const keepAlive = setInterval(() => undefined, 1 << 30);
    const on = (sig: NodeJS.Signals) => {
      clearInterval(keepAlive);
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** `zerodrop controller` */
export function controllerCommand(print: (line: string) => void = (l) => console.log(l)): Command {
  return targetOptions(new Command('controller'))
    .description(
      'watch every up node (ESL status), and when one dies: fence it, move its calls, recover on the ' +
        'targets, confirm. Prints each step with timestamps until Ctrl-C.',
    )
    .option(
      '--probe-interval-ms <ms>',
      'time between probes of one node',
      intOption('--probe-interval-ms', 50),
      100,
    )
    .option(
      '--failures <n>',
      'consecutive failed probes that declare a node dead',
      intOption('--failures', 1),
      3,
    )
    .option('--spread', 'spread a dead node’s calls over all live nodes by load (default: one target)', false)
    .option(
      '--fence-cmd <command>',
      'fence hook for every node (default: container kill in a lab, config fence)',
    )
    .action((f: ControllerFlags) =>
      opsGuard(async () => {
        const target = await resolveOpsTarget(f);
        const store = RecoveryStore.connect(target.pg);
        const hosts = await store.listHosts();
        const watched = hosts.filter((h) => h.state === 'up');
        for (const h of hosts.filter((x) => x.state !== 'up')) print(`not watching ${h.node}: ${h.state}`);
        if (watched.length === 0) throw new ScenarioConfigError('zerodrop.hosts', 'no node is up');
        // The controller never moves calls off a node it cannot fence: check every node before starting.
        const nodes = watched.map((h) => {
          const esl = target.esl(h.node, hosts);
          if (!esl) throw new ScenarioConfigError(`nodes.${h.node}.esl`, `no ESL address in ${target.where}`);
          const fence = target.fence(h.node);
          if (!fence)
            throw new ScenarioConfigError(
              `nodes.${h.node}.fence`,
              `no fence in ${target.where} (give one, or --fence-cmd)`,
            );
          return opsFailoverNode(h.node, esl, fence);
        });
        const clock = systemClock;
        const startMs = clock.nowMs();
        // A failed-over node is marked fenced (its fence succeeded before the mover runs), so a later
        // `zerodrop migrate --spread` or controller run never picks it as a target.
        const moveAll = storeMover(store).moveAll;
        const mover: CallMover = {
          moveAll: async (from, targets, spread) => {
            await store.setHostState(from, 'fenced').catch(() => undefined);
            return moveAll(from, targets, spread);
          },
        };
        const controller = new FailoverController(nodes, mover, {
          probeIntervalMs: f.probeIntervalMs,
          failuresToDeclareDead: f.failures,
          spread: f.spread,
          clock,
          sink: (e) => print(formatStep(e, startMs, clock)),
        });
        print(
          `${clock.wallTime()} controller on ${target.where}: watching ${nodes.map((n) => n.name).join(', ')} ` +
            `every ${f.probeIntervalMs} ms, dead after ${f.failures} failed probe(s)${f.spread ? ', spread' : ''}; Ctrl-C to stop`,
        );
        controller.start();
        const sig = await untilStopped();
        print(`${clock.wallTime()} ${sig}: stopping (waiting for a failover in progress)`);
        await controller.stop();
        await Promise.all(nodes.map((n) => n.close()));
        await store.close();
        return 0;
      }),
    );
}

/** keepalived's VRRP states as its notify scripts receive them. */
export const VrrpState = { MASTER: 'MASTER', BACKUP: 'BACKUP', FAULT: 'FAULT', STOP: 'STOP' } as const;
export type VrrpState = (typeof VrrpState)[keyof typeof VrrpState];

/** What the notify entry point does for one state; MASTER: `sofia recover`, retried while ESL is not up yet. */
export async function notifyState(
  state: VrrpState,
  node: string,
  esl: NodeEsl,
  o: { tries?: number; retryMs?: number; log?: (line: string) => void } = {},
): Promise<boolean> {
  const log = o.log ?? ((l: string) => console.log(l));
  const say = (l: string) => log(`${new Date().toISOString()} zerodrop notify ${node} ${state}: ${l}`);
  if (state !== 'MASTER') {
    say('nothing to do');
    return true;
  }
  const tries = o.tries ?? 10;
  for (let i = 1; i <= tries; i++) {
    // FreeSWITCH may still be starting when keepalived promotes this node.
    const r = await withEsl(esl, 5_000, (c) => c.sofiaRecover({ timeoutMs: 10_000 }));
    if (r.ok && r.value) {
      say(`sofia recover (try ${i}) → ${r.value.text}`);
      return true;
    }
    say(`sofia recover (try ${i}/${tries}) failed: ${r.error ?? 'no reply'}`);
    if (i < tries) await delay(o.retryMs ?? 500);
  }
  return false;
}

/** `zerodrop notify` */
export function notifyCommand(): Command {
  return new Command('notify')
    .description(
      'keepalived notify entry point. MASTER: `sofia recover` on the local node over ESL (retried 10 × 0.5 s ' +
        'while FreeSWITCH starts); BACKUP/FAULT/STOP: logged only. In keepalived.conf: ' +
        'notify_master "/usr/local/bin/zerodrop notify --state MASTER --node fs1" (and the same for backup/fault).',
    )
    .addOption(
      new Option('--state <state>', 'VRRP state').choices(Object.values(VrrpState)).makeOptionMandatory(),
    )
    .requiredOption('--node <node>', 'this node’s name')
    .option('--config <file>', 'take the node’s ESL address and password from this config file')
    .option('--esl <host:port>', 'ESL address (default 127.0.0.1:8021)')
    .option('--esl-password <password>', 'ESL password (default ClueCon)')
    .option('--tries <n>', 'sofia recover attempts', intOption('--tries', 1), 10)
    .action(
      (f: {
        state: VrrpState;
        node: string;
        config?: string;
        esl?: string;
        eslPassword?: string;
        tries: number;
      }) =>
        opsGuard(async () => {
          let esl: NodeEsl;
          if (f.config !== undefined) {
            const n = loadOpsConfig(f.config).nodes.find((x) => x.name === f.node);
            if (!n) throw new ScenarioConfigError(`${f.config}: nodes`, `no node named ${f.node}`);
            esl = n.esl;
          } else {
            const m = /^([^:\s]+)(?::(\d{1,5}))?$/.exec(f.esl ?? '127.0.0.1:8021');
            if (!m)
              throw new ScenarioConfigError('--esl', `expected HOST:PORT, got ${JSON.stringify(f.esl)}`);
            esl = { host: m[1]!, port: Number(m[2] ?? 8021), password: f.eslPassword ?? 'ClueCon' };
          }
          return (await notifyState(f.state, f.node, esl, { tries: f.tries })) ? 0 : 1;
        }),
    );
}
