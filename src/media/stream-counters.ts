// Per-stream counters in shared memory: the worker writes them, the main thread reads them without messages.

/** Slot layout: one Float64 per counter. */
export const Counter = {
  sent: 0,
  received: 1,
  lost: 2,
  late: 3,
  crossed: 4,
  doubled: 5,
  unknown: 6,
  gaps: 7,
  maxGapMs: 8,
  localGaps: 9,
  sourceChanges: 10,
  /** Monotonic ms (worker clock) of the first expected packet; NaN before it. */
  firstPacketMs: 11,
  /** Monotonic ms (worker clock) of the latest expected packet; NaN before it. */
  lastPacketMs: 12,
  /** Send slots skipped after a local stall. */
  sendSkipped: 13,
  /** Datagrams that were not RTP. */
  malformed: 14,
  /** Injected send slots (drop/hold). */
  injected: 15,
} as const;

export type CounterName = keyof typeof Counter;

/** Counters per stream slot. */
export const COUNTERS_PER_SLOT = 16;

/** A view of one slot's counters inside the shared buffer. */
export function counterSlot(buffer: SharedArrayBuffer | ArrayBuffer, slot: number): Float64Array {
  return new Float64Array(buffer, slot * COUNTERS_PER_SLOT * 8, COUNTERS_PER_SLOT);
}

/** Resets a slot for a new stream. */
export function resetCounters(c: Float64Array): void {
  c.fill(0);
  c[Counter.firstPacketMs] = Number.NaN;
  c[Counter.lastPacketMs] = Number.NaN;
}
