// Failure detection: a node is dead after N consecutive failed probes; pure state, fed probe results.

/** Per-node probe bookkeeping. */
export interface DetectorState {
  consecutiveFailures: number;
  firstFailureMs?: number;
  dead: boolean;
}

/** Feeds one probe result; returns the new state and whether this probe declared the node dead. */
export function observeProbe(
  state: DetectorState,
  healthy: boolean,
  nowMs: number,
  failuresToDeclareDead: number,
): { state: DetectorState; declaredDead: boolean } {
  if (state.dead) return { state, declaredDead: false };
  if (healthy) return { state: { consecutiveFailures: 0, dead: false }, declaredDead: false };
  const consecutiveFailures = state.consecutiveFailures + 1;
  const firstFailureMs = state.firstFailureMs ?? nowMs;
  const dead = consecutiveFailures >= failuresToDeclareDead;
  return { state: { consecutiveFailures, firstFailureMs, dead }, declaredDead: dead };
}

export const initialDetectorState = (): DetectorState => ({ consecutiveFailures: 0, dead: false });
