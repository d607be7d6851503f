// Gap measurement for one receiving direction: silences between packets of the expected identity.

/** A silence long enough to count, measured at the receiver. */
export interface MeasuredGap {
  /** When the next packet was due: arrival of the last packet before the silence plus one ptime (ms). */
  startMs: number;
  /** Arrival of the first packet after the silence (ms). */
  endMs: number;
  /** endMs - startMs: the audio that was missing (N lost packets => about N * ptime). */
  durationMs: number;
  /** Payload sequence numbers skipped over the silence: packets the sender did send that never arrived. */
  lostPackets: number;
  /**
   * The same silence on the sender's schedule: send time of the packet after minus that of the packet
   * before, minus one ptime. Immune to lateness in reading; blind to delay added in the network.
   */
  sentSpanMs: number;
}

export interface GapTrackerOptions {
  /** Packet interval (ms), default 20. */
  ptimeMs?: number;
  /**
   * Smallest silence reported (ms), default 50: three missing packets (60 ms) always count, two (40 ms)
   * count only with more than 10 ms of extra jitter.
   */
  thresholdMs?: number;
}

/** Feeds arrivals in order; returns a gap when an arrival ends a silence of at least the threshold. */
export class GapTracker {
  readonly ptimeMs: number;
  readonly thresholdMs: number;
  private lastArrivalMs: number | undefined;
  private lastSendMs = Number.NaN;
  private maxSeq: number | undefined;
  private baseSeq = 0;
  /** Packets received (including late and duplicate ones). */
  received = 0;
  /** Packets that arrived with a sequence at or below the highest seen (reordered or duplicated). */
  late = 0;
  /** Times the sequence jumped implausibly far (another sender with the same identity) and was re-based. */
  resyncs = 0;
  private lostBeforeResync = 0;
  private receivedSinceResync = 0;

  constructor(opts: GapTrackerOptions = {}) {
    this.ptimeMs = opts.ptimeMs ?? 20;
    this.thresholdMs = opts.thresholdMs ?? 50;
  }

  /** Arrival of the most recent packet (ms), if any. */
  get lastMs(): number | undefined {
    return this.lastArrivalMs;
  }

  /** Packets expected from the sequence range minus packets received (RFC 3550 A.3), never negative. */
  get lost(): number {
    if (this.maxSeq === undefined) return 0;
    return Math.max(0, this.lostBeforeResync + this.maxSeq - this.baseSeq + 1 - this.receivedSinceResync);
  }

  /** Records one packet of the expected identity; returns the gap it ends, if any. */
  feed(arrivalMs: number, seq: number, sendMs = Number.NaN): MeasuredGap | undefined {
    this.received++;
    const last = this.lastArrivalMs;
    const lastSend = this.lastSendMs;
    if (!(sendMs < lastSend)) this.lastSendMs = sendMs;
    this.lastArrivalMs = last === undefined ? arrivalMs : Math.max(last, arrivalMs);
    let lostPackets = 0;
    if (this.maxSeq === undefined) {
      this.maxSeq = seq;
      this.baseSeq = seq;
      this.receivedSinceResync = 1;
      return undefined;
    }
    const jump = seq - this.maxSeq;
    const plausible = Math.ceil((arrivalMs - (last ?? arrivalMs)) / this.ptimeMs) + 50;
    if (jump > plausible || jump < -100) {
      // Another sender's numbering (far ahead, or far behind: more than any reordering), not loss.
      this.resyncs++;
      this.lostBeforeResync = this.lost;
      this.maxSeq = seq;
      this.baseSeq = seq;
      this.receivedSinceResync = 1;
    } else if (jump > 0) {
      lostPackets = jump - 1;
      this.maxSeq = seq;
      this.receivedSinceResync++;
    } else {
      this.late++;
      this.receivedSinceResync++;
    }
    if (last === undefined) return undefined;
    const startMs = last + this.ptimeMs;
    const durationMs = arrivalMs - startMs;
    const sentSpanMs = sendMs - lastSend - this.ptimeMs;
    // Arrival times jitter by up to a tick; the sender's schedule does not: three packets missing there
    // (60 ms) is a gap even if they happened to arrive less than the threshold apart.
    if (durationMs < this.thresholdMs && !(sentSpanMs >= this.thresholdMs)) return undefined;
    return { startMs, endMs: arrivalMs, durationMs, lostPackets, sentSpanMs };
  }

  /** The silence still running at nowMs (ms since the next packet was due), 0 if none or never started. */
  silenceMs(nowMs: number): number {
    if (this.lastArrivalMs === undefined) return 0;
    return Math.max(0, nowMs - this.lastArrivalMs - this.ptimeMs);
  }
}
