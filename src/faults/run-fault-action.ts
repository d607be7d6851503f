// Runs one fault action over its targets and times it as a FaultOutcome (results, not throws).
import { errorMessage } from '../common/errors.js';
import type { FaultHost, FaultOutcome } from './fault.js';

/** Applies `action` to every target concurrently; the outcome is ok only when all succeeded. */
export async function runFaultAction(
  fault: string,
  targets: readonly FaultHost[],
  action: (host: FaultHost) => Promise<unknown>,
  extra: Record<string, unknown> = {},
): Promise<FaultOutcome> {
  const start = performance.now();
  const results = await Promise.allSettled(targets.map((t) => action(t)));
  const errors = results.flatMap((r, i) =>
    r.status === 'rejected' ? [`${targets[i]?.name}: ${errorMessage(r.reason)}`] : [],
  );
  return {
    fault,
    targets: targets.map((t) => t.name),
    ok: errors.length === 0,
    timedOut: false,
    durationMs: performance.now() - start,
    value: extra,
    ...(errors.length ? { error: errors.join('; ') } : {}),
  };
}
