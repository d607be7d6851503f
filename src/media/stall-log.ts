// Local stalls: windows when our own event loop did not run, so silence in them is not the network's fault.

/** One window [startMs, endMs) when the local thread was not running on time. */
export interface StallWindow {
  startMs: number;
  endMs: number;
}

/** Remembers recent stall windows and tells how much of an interval they cover. */
export class StallLog {
  private readonly windows: StallWindow[] = [];
  private lastBeatMs: number | undefined;
  /** Longest stall seen (ms). */
  maxStallMs = 0;
  private expiredMs = 0;

  /**
   * @param expectedBeatMs how often beat() is due (the tick interval)
   * @param toleranceMs lateness beyond expectedBeatMs that counts as a stall
   * @param keepMs how long windows are remembered
   */
  constructor(
    private readonly expectedBeatMs: number,
    private readonly toleranceMs = 15,
    private readonly keepMs = 120_000,
  ) {}

  /** Called by the periodic tick: records a stall if the tick came too late, and resets the baseline. */
  beat(nowMs: number): StallWindow | undefined {
    const w = this.check(nowMs);
    this.lastBeatMs = nowMs;
    return w;
  }

  /**
   * Called from other callbacks (each datagram): if the tick is overdue right now, the thread is behind
   * (blocked, descheduled or drowning in a backlog), so the stall so far is recorded without waiting for the
   * tick; the baseline stays, so later callbacks extend the same window.
   */
  check(nowMs: number): StallWindow | undefined {
    const last = this.lastBeatMs;
    if (last === undefined || nowMs - last <= this.expectedBeatMs + this.toleranceMs) return undefined;
    const startMs = last + this.expectedBeatMs;
    const open = this.windows[this.windows.length - 1];
    if (open !== undefined && open.startMs === startMs) {
      // The same stall still running (one call per datagram): just extend it.
      if (nowMs > open.endMs) {
        open.endMs = nowMs;
        this.maxStallMs = Math.max(this.maxStallMs, nowMs - startMs);
      }
      return open;
    }
    return this.add({ startMs, endMs: nowMs });
  }

  /** Records a window measured here or by another thread; keeps windows sorted and merged. */
  add(w: StallWindow): StallWindow {
    const last = this.windows[this.windows.length - 1];
    if (last === undefined || w.startMs > last.endMs) {
      this.windows.push({ ...w });
    } else if (w.startMs >= last.startMs) {
      last.endMs = Math.max(last.endMs, w.endMs); // the common case: a running stall grows
    } else {
      // Rare (another thread's window arriving late): re-sort and merge.
      this.windows.push({ ...w });
      this.windows.sort((a, b) => a.startMs - b.startMs);
      const merged: StallWindow[] = [];
      for (const x of this.windows) {
        const prev = merged[merged.length - 1];
        if (prev && x.startMs <= prev.endMs) prev.endMs = Math.max(prev.endMs, x.endMs);
        else merged.push(x);
      }
      this.windows.splice(0, this.windows.length, ...merged);
    }
    const horizon = (this.windows[this.windows.length - 1]?.endMs ?? 0) - this.keepMs;
    while ((this.windows[0]?.endMs ?? horizon) < horizon) {
      const old = this.windows.shift();
      if (old) this.expiredMs += old.endMs - old.startMs;
    }
    const grown = this.windows.findLast((x) => x.startMs <= w.startMs && x.endMs >= w.endMs);
    if (grown) this.maxStallMs = Math.max(this.maxStallMs, grown.endMs - grown.startMs);
    return w;
  }

  /** Sum of all stalls so far (ms), overlapping windows counted once. */
  get totalStallMs(): number {
    return this.windows.reduce((sum, w) => sum + w.endMs - w.startMs, this.expiredMs);
  }

  /** Milliseconds of [startMs, endMs) covered by recorded stalls. */
  overlapMs(startMs: number, endMs: number): number {
    let covered = 0;
    // Windows are sorted and disjoint: walk back from the newest and stop at the first that ends before
    // startMs (after one stall every stream asks, and a starved worker keeps thousands of windows).
    for (let i = this.windows.length - 1; i >= 0; i--) {
      const w = this.windows[i];
      if (w === undefined || w.endMs <= startMs) break;
      const from = Math.max(startMs, w.startMs);
      const to = Math.min(endMs, w.endMs);
      if (to > from) covered += to - from;
    }
    return covered;
  }
}
