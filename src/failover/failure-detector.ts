// Failure detection: a node is dead after N consecutive failed probes. A refused or lost connection is proof
// enough; timeouts alone (a loaded but living node looks the same) must also span a minimum time. The
// orchestrator saying the process is gone (container exited) needs no repetition: it cannot be a slow answer.

/** What one probe saw: an answer, a refusal/lost connection, silence until the timeout, or the process gone. */
export type ProbeOutcome = 'up' | 'down' | 'timeout' | 'gone';

/** Per-node probe bookkeeping. */
export interface DetectorState {
  consecutiveFailures: number;
  firstFailureMs?: number;
  /** The failed outcomes since the last answer (the latest ten): what a detection rests on. */
  failures: Exclude<ProbeOutcome, 'up'>[];
  dead: boolean;
}

/** Thresholds of the detector. */
export interface DetectorPolicy {
  /** Consecutive failed probes that declare a node dead (default 3). */
  failuresToDeclareDead: number;
  /** When the failures include no refusal, they must span at least this long (ms). */
  timeoutOnlyDeadMs: number;
}

/** Feeds one probe result; returns the new state and whether this probe declared the node dead. */
export function observeProbe(
  state: DetectorState,
  outcome: ProbeOutcome | boolean,
  nowMs: number,
  p: DetectorPolicy,
): { state: DetectorState; declaredDead: boolean } {
  const o: ProbeOutcome = outcome === true ? 'up' : outcome === false ? 'down' : outcome;
  if (state.dead) return { state, declaredDead: false };
  if (o === 'up') return { state: initialDetectorState(), declaredDead: false };
  const consecutiveFailures = state.consecutiveFailures + 1;
  const firstFailureMs = state.firstFailureMs ?? nowMs;
  const enough = consecutiveFailures >= p.failuresToDeclareDead;
  const dead = o === 'gone' || (enough && (o === 'down' || nowMs - firstFailureMs >= p.timeoutOnlyDeadMs));
  const failures = [...state.failures, o].slice(-10);
  return { state: { consecutiveFailures, firstFailureMs, failures, dead }, declaredDead: dead };
}

/** True when a failure streak holds nothing but timeouts (no refusal, no exit): the node may only be slow. */
export const onlyTimeouts = (state: DetectorState): boolean => state.failures.every((f) => f === 'timeout');

export const initialDetectorState = (): DetectorState => ({
  consecutiveFailures: 0,
  failures: [],
  dead: false,
});
