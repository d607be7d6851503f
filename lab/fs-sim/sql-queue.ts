// FreeSWITCH's asynchronous SQL queue: statements run in order, each no earlier than its due time.

/** One queued statement. */
interface Job {
  dueMs: number;
  run: () => Promise<void>;
}

/**
 * Runs jobs strictly in submission order, each not before its due time (a row is written ~0.3 s after
 * answer and deleted ~0.1 s after hangup; a delete queued after an insert never overtakes it).
 * A crash inside the window loses the statement, as with FreeSWITCH.
 */
export class SqlQueue {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;
  errors = 0;

  constructor(
    private readonly onError: (e: unknown) => void = () => {},
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Queues fn to run after delayMs (and after everything queued before it). */
  push(delayMs: number, fn: () => Promise<void>): void {
    const job: Job = { dueMs: this.now() + delayMs, run: fn };
    this.pending++;
    this.tail = this.tail.then(async () => {
      const wait = job.dueMs - this.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      try {
        await job.run();
      } catch (e) {
        this.errors++;
        this.onError(e);
      } finally {
        this.pending--;
      }
    });
  }

  /** Statements not yet executed. */
  get size(): number {
    return this.pending;
  }

  /** Resolves when everything queued so far has run. */
  drain(): Promise<void> {
    return this.tail;
  }
}
