// FreeSWITCH's asynchronous SQL queue: each statement runs no earlier than its due time, in order per channel.

/**
 * Delayed statements (a row is written ~0.3 s after answer and deleted ~0.1 s after hangup). Statements of one
 * channel run in submission order (a delete never overtakes its insert); different channels do not wait for each
 * other, so one slow statement does not hold up every call's row. A crash inside the delay loses the statement,
 * as with FreeSWITCH.
 */
export class SqlQueue {
  private readonly tails = new Map<string, Promise<void>>();
  private pending = 0;
  private idle: Promise<void> = Promise.resolve();
  private settleIdle: () => void = () => {};
  errors = 0;

  constructor(
    private readonly onError: (e: unknown) => void = () => {},
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Queues fn for channel `key` to run after delayMs (and after everything queued before it for that key). */
  push(delayMs: number, fn: () => Promise<void>, key = ''): void {
    const dueMs = this.now() + delayMs;
    if (this.pending++ === 0) this.idle = new Promise((r) => (this.settleIdle = r));
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(async () => {
      const wait = dueMs - this.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      try {
        await fn();
      } catch (e) {
        this.errors++;
        this.onError(e);
      } finally {
        if (this.tails.get(key) === next) this.tails.delete(key);
        if (--this.pending === 0) this.settleIdle();
      }
    });
    this.tails.set(key, next);
  }

  /** Statements not yet executed. */
  get size(): number {
    return this.pending;
  }

  /** Resolves when everything queued so far has run. */
  drain(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : this.idle;
  }
}
