// Actions on the system under test return results, not throws (execa's reject:false).

/** Outcome of one action against the lab or the system under test. */
export interface ActionResult<T = undefined> {
  ok: boolean;
  timedOut: boolean;
  durationMs: number;
  value?: T;
  exitCode?: number;
  error?: string;
}

/** Runs fn, timing it, and turns a throw into a failed result. */
export async function attempt<T>(
  fn: () => Promise<T>,
  now: () => number = () => performance.now(),
): Promise<ActionResult<T>> {
  const start = now();
  try {
    const value = await fn();
    return { ok: true, timedOut: false, durationMs: now() - start, value };
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    const timedOut = e instanceof Error && /timed? ?out/i.test(e.message);
    return { ok: false, timedOut, durationMs: now() - start, error };
  }
}
