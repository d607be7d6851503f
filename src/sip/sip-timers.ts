// RFC 3261 timer values (17, Table 4) and an injectable timer host so tests can run time by hand.

/** Base timer values in ms (RFC 3261 17.1.1.1); everything else derives from them. */
export interface SipTimerBase {
  /** RTT estimate, default 500 ms. */
  T1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses, default 4000 ms. */
  T2: number;
  /** Maximum time a message stays in the network, default 5000 ms. */
  T4: number;
}

export const DEFAULT_TIMER_BASE: SipTimerBase = { T1: 500, T2: 4000, T4: 5000 };

/** All named timers of RFC 3261 Table 4 (UDP values), plus RFC 6026's L and M. */
export interface SipTimers extends SipTimerBase {
  /** INVITE request retransmit, initially T1 (17.1.1.2). */
  A: number;
  /** INVITE transaction timeout, 64*T1. */
  B: number;
  /** Wait time for response retransmits after a failure response, >32 s for UDP. */
  D: number;
  /** Non-INVITE request retransmit, initially T1 (17.1.2.2). */
  E: number;
  /** Non-INVITE transaction timeout, 64*T1. */
  F: number;
  /** INVITE response retransmit, initially T1 (17.2.1). */
  G: number;
  /** Wait time for ACK receipt, 64*T1. */
  H: number;
  /** Wait time for ACK retransmits, T4 for UDP. */
  I: number;
  /** Wait time for non-INVITE request retransmits, 64*T1 for UDP. */
  J: number;
  /** Wait time for response retransmits, T4 for UDP. */
  K: number;
  /** RFC 6026: server INVITE in Accepted state, 64*T1. */
  L: number;
  /** RFC 6026: client INVITE in Accepted state, 64*T1. */
  M: number;
}

/** Derives Table 4 from T1/T2/T4. */
export function sipTimers(base: Partial<SipTimerBase> = {}): SipTimers {
  const { T1, T2, T4 } = { ...DEFAULT_TIMER_BASE, ...base };
  const long = 64 * T1;
  return {
    T1,
    T2,
    T4,
    A: T1,
    B: long,
    D: Math.max(32_000, long),
    E: T1,
    F: long,
    G: T1,
    H: long,
    I: T4,
    J: long,
    K: T4,
    L: long,
    M: long,
  };
}

/** A cancellable timer handle. */
export interface TimerHandle {
  cancel(): void;
}

/** Schedules callbacks; the default uses setTimeout, tests may inject their own. */
export interface TimerHost {
  schedule(ms: number, fn: () => void): TimerHandle;
}

/** The real timer host. Timers are unref'd so an idle endpoint never holds the process open. */
export const realTimerHost: TimerHost = {
  schedule(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
};

/** A timer host driven by hand: `advance(ms)` fires due timers in order (tests). */
export class ManualTimerHost implements TimerHost {
  private now = 0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  schedule(ms: number, fn: () => void): TimerHandle {
    const id = this.seq++;
    this.timers.set(id, { at: this.now + ms, fn });
    return { cancel: () => this.timers.delete(id) };
  }

  /** Moves time forward, firing every timer that falls due, earliest first. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers)
        if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.now = next[1].at;
      next[1].fn();
    }
    this.now = end;
  }

  /** Current virtual time in ms. */
  elapsedMs(): number {
    return this.now;
  }

  pending(): number {
    return this.timers.size;
  }
}
