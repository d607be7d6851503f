// Cancellable waits: every wait takes a timeout and an AbortSignal, never a bare sleep.
import { AbortedError } from './errors.js';

/** Resolves after ms, or rejects with AbortedError when signal aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError('aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Options shared by every polling wait. */
export interface PollOptions {
  /** Give up after this many ms. */
  timeoutMs: number;
  /** Time between probes in ms (default 100). */
  intervalMs?: number;
  signal?: AbortSignal;
}

/** Polls probe until it returns a value other than undefined; returns it, or undefined on timeout. */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  { timeoutMs, intervalMs = 100, signal }: PollOptions,
): Promise<T | undefined> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (performance.now() + intervalMs > deadline) return undefined;
    await delay(intervalMs, signal);
  }
}
