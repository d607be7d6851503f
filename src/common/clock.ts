// The clock: monotonic milliseconds for ordering and gaps, wall time for humans.

/** Source of time, injected so tests can drive it. */
export interface Clock {
  /** Monotonic milliseconds (fractional), from an arbitrary origin. */
  nowMs(): number;
  /** Wall-clock time as an ISO string. */
  wallTime(): string;
}

/** The real clock: process.hrtime for monotonic time. */
export const systemClock: Clock = {
  nowMs: () => Number(process.hrtime.bigint()) / 1e6,
  wallTime: () => new Date().toISOString(),
};

/** A clock that only moves when told to (tests). */
export class ManualClock implements Clock {
  constructor(
    private ms = 0,
    private readonly epochMs = Date.UTC(2026, 0, 1),
  ) {}
  nowMs(): number {
    return this.ms;
  }
  wallTime(): string {
    return new Date(this.epochMs + this.ms).toISOString();
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}
