// What the failover controller needs of the world, as small interfaces the runner or CLI wires to real pieces.
import type { ActionResult } from '../common/result.js';
import type { ProbeOutcome } from './failure-detector.js';

/** One FreeSWITCH node as the controller sees it. */
export interface FailoverNode {
  readonly name: string;
  /** One health probe (ESL `status` and/or SIP OPTIONS): true/'up' when healthy, false/'down' when the node
   * refused or dropped the connection, 'timeout' when it did not answer in time, 'gone' when the orchestrator
   * reports the process not running (declared dead at once). */
  probe(signal: AbortSignal): Promise<boolean | ProbeOutcome>;
  /** Makes sure the node can no longer touch its calls: kill, network cut, or a user hook. Never a hangup. */
  fence(): Promise<ActionResult>;
  /** Runs recover on this node (`fsctl recover`); value = legs recovered as FreeSWITCH counts them. */
  recover(): Promise<ActionResult<number>>;
}

/** Moves a dead node's migration units to targets, atomically (the recovery store). */
export interface CallMover {
  /** Moves every unit of `from`: to one target, or spread by load; value = legs moved per target. */
  moveAll(
    from: string,
    targets: readonly string[],
    spread: boolean,
  ): Promise<ActionResult<Record<string, number>>>;
}
