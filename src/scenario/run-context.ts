// Everything a running scenario's steps act on: the lab, calls, nemesis, controller, history, seed.
import type { CallGenerator } from '../calls/call-generator.js';
import type { HarnessCall } from '../calls/harness-call.js';
import type { Clock } from '../common/clock.js';
import type { SeededRandom } from '../common/seeded-random.js';
import type { FailoverController } from '../failover/failover-controller.js';
import type { Nemesis } from '../faults/nemesis.js';
import type { History } from '../history/history.js';
import type { StartedLab } from '../lab/started-lab.js';
import type { RecoveryStore } from '../recovery/recovery-store.js';
import type { NodeEsl } from './node-control.js';
import type { Scenario } from './scenario-schema.js';

/** The live state of one scenario run. */
export interface RunContext {
  scenario: Scenario;
  lab: StartedLab;
  history: History;
  clock: Clock;
  random: SeededRandom;
  calls: CallGenerator;
  nemesis: Nemesis;
  /** Recovery storage as the controller role (member of every node role). */
  store: RecoveryStore;
  /** ESL of each FreeSWITCH node by name. */
  esl: ReadonlyMap<string, NodeEsl>;
  /** Calls the scenario placed, in order. */
  placed: HarnessCall[];
  /** Nodes the latest fault hit (the failover step acts on them). */
  victims: string[];
  /** Nodes that are down and not brought back (excluded from targets and probes). */
  down: Set<string>;
  controller?: FailoverController;
  /** Probe interval for the controller, ms. */
  probeIntervalMs: number;
  progress: (line: string) => void;
  signal: AbortSignal;
  /** Run at the end of the run, newest first (ESL endpoints, …). */
  closers: Array<() => Promise<unknown>>;
}

/** Records a runner event (phase changes, step outcomes) in the history. */
export function note(
  ctx: RunContext,
  kind: string,
  value: unknown,
  type: 'info' | 'ok' | 'fail' = 'info',
): void {
  ctx.history.append({ timeMs: ctx.clock.nowMs(), process: 'runner', type, kind, value });
}
