// The nemesis's unit: a fault is a small interface (setup, invoke, heal, teardown); teardown always heals.
import type { ActionResult } from '../common/result.js';

/** What a fault needs of a lab host; lab hosts satisfy it, the runner adds `crash` for FreeSWITCH roles. */
export interface FaultHost {
  readonly name: string;
  /** The host's address on the lab network. */
  readonly ip: string;
  kill(signal?: string): Promise<void>;
  /** Graceful stop (SIGTERM, then SIGKILL after timeoutMs). */
  stop(timeoutMs?: number): Promise<void>;
  start(): Promise<void>;
  pause(): Promise<void>;
  unpause(): Promise<void>;
  disconnect(): Promise<void>;
  reconnect(): Promise<void>;
  exec(cmd: readonly string[]): Promise<{ exitCode: number; output: string }>;
  /** Application-level crash (FreeSWITCH `fsctl crash`); absent on hosts without one. */
  crash?(): Promise<void>;
}

/** What a fault did, straight into the history. */
export interface FaultOutcome extends ActionResult<Record<string, unknown>> {
  fault: string;
  targets: string[];
}

/** One kind of fault. Stateless between invoke and heal except through `FaultInvocation`. */
export interface Fault {
  readonly name: string;
  /** Checks the fault can run here (e.g. netem exists); returns why not, or undefined. */
  setup?(hosts: readonly FaultHost[]): Promise<string | undefined>;
  invoke(targets: readonly FaultHost[], peers: readonly FaultHost[]): Promise<FaultInvocation>;
}

/** A fault in force: heal undoes it; heal is idempotent. */
export interface FaultInvocation {
  readonly outcome: FaultOutcome;
  /** Undo the fault (restart, unpause, reconnect, flush rules). Never throws: returns a result. */
  heal(): Promise<FaultOutcome>;
}
