// One node's ESL endpoint: a connection kept while it lives and made again after it is lost (a crashed and
// restarted node, a command that timed out). What the failover controller's probe and recover run on.
import type { ActionResult } from '../common/result.js';
import { type CallOptions, EslClient, type EslClientOptions, type EslLost } from './esl-client.js';

/** A node's ESL address with connect-on-demand; every method is bounded like the client's. */
export class EslEndpoint {
  private current: EslClient | undefined;
  private pending: Promise<ActionResult<EslClient>> | undefined;
  private readonly lostListeners = new Set<(lost: EslLost) => void>();

  constructor(readonly options: EslClientOptions) {}

  /** Calls fn for every connection that ends other than by close(). Returns an unsubscribe. */
  onLost(fn: (lost: EslLost) => void): () => void {
    this.lostListeners.add(fn);
    return () => this.lostListeners.delete(fn);
  }

  /** The live connection, or a new one (concurrent callers share one attempt). */
  async connection(signal?: AbortSignal): Promise<ActionResult<EslClient>> {
    if (this.current && !this.current.lost)
      return { ok: true, timedOut: false, durationMs: 0, value: this.current };
    this.pending ??= EslClient.connect({ ...this.options, signal: signal ?? this.options.signal }).then(
      (r) => {
        this.pending = undefined;
        if (r.value) {
          this.current = r.value;
          r.value.onLost((lost) => {
            if (lost.reason !== 'local-close') for (const fn of this.lostListeners) fn(lost);
          });
        }
        return r;
      },
    );
    return this.pending;
  }

  /** Runs fn on a live connection; a failed connect is returned as fn's failed result. */
  async run<T>(
    fn: (client: EslClient) => Promise<ActionResult<T>>,
    signal?: AbortSignal,
  ): Promise<ActionResult<T>> {
    const c = await this.connection(signal);
    if (!c.value) return { ok: false, timedOut: c.timedOut, durationMs: c.durationMs, error: c.error };
    const r = await fn(c.value);
    return { ...r, durationMs: r.durationMs + c.durationMs };
  }

  /** Health probe: ESL answers and `status` says ready. */
  async probe(signal?: AbortSignal, o: CallOptions = {}): Promise<boolean> {
    const r = await this.run((c) => c.status({ ...o, signal }), signal);
    return r.ok && r.value?.ready === true;
  }

  /** `fsctl recover`; value = legs recovered as FreeSWITCH counts them. */
  async recover(o: CallOptions = {}): Promise<ActionResult<number>> {
    const r = await this.run((c) => c.fsctlRecover(o), o.signal);
    return r.value ? { ...r, value: r.value.recovered } : { ...r, value: undefined };
  }

  /** Closes the current connection, if any. */
  async close(): Promise<void> {
    const c = this.current;
    this.current = undefined;
    await c?.close();
  }
}
