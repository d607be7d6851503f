// Where the expected media comes from: first source, clean changes of source, and two sources at once.

/** What one packet revealed about its source. */
export type SourceObservation =
  | { kind: 'started'; source: string }
  /** silenceMs: from the old source's last packet to the new one's first (0 or less = no silence). */
  | { kind: 'changed'; from: string; to: string; silenceMs: number }
  | { kind: 'doubled'; sources: string[] };

interface SourceState {
  lastMs: number;
  /** Arrival index of its latest packet: order, not time, decides interleaving (bursts share a ms). */
  lastIndex: number;
  count: number;
}

/**
 * Tracks sources (an "ip:port#ssrc" key) of one receiving direction.
 * Doubled means packets of two sources interleave within windowMs: a source delivers again after another
 * source has delivered since its own previous packet. A clean hand-over (A stops, then B starts, however
 * soon) is a change, not doubling; a single stray packet from B amid A's stream is doubling.
 */
export class SourceTracker {
  private readonly sources = new Map<string, SourceState>();
  private current: string | undefined;
  private readonly reportedPairs = new Set<string>();
  private arrivals = 0;
  /** Packets that arrived while another source was interleaving with theirs. */
  doubledPackets = 0;
  /** Clean source changes seen. */
  changes = 0;

  /** @param windowMs how recent another source's packet must be to count as simultaneous (default 100) */
  constructor(private readonly windowMs = 100) {}

  /** The source that delivered most recently. */
  get active(): string | undefined {
    return this.current;
  }

  /** Records one packet of the expected identity from source at atMs. */
  feed(source: string, atMs: number): SourceObservation | undefined {
    const index = ++this.arrivals;
    if (source === this.current) {
      // Same source as the previous packet: nothing else can have interleaved (the hot path).
      const same = this.sources.get(source);
      if (same) {
        same.lastMs = atMs;
        same.lastIndex = index;
        same.count++;
        return undefined;
      }
    }
    let state = this.sources.get(source);
    const prevOwnIndex = state?.lastIndex;
    let observation: SourceObservation | undefined;
    let interleaved = false;
    if (state === undefined) {
      state = { lastMs: atMs, lastIndex: index, count: 0 };
      this.sources.set(source, state);
      this.prune(atMs);
    } else if (prevOwnIndex !== undefined) {
      for (const [other, o] of this.sources) {
        if (other === source || o.lastMs < atMs - this.windowMs || o.lastIndex < prevOwnIndex) continue;
        interleaved = true;
        const pair = [source, other].sort().join('|');
        if (!this.reportedPairs.has(pair)) {
          this.reportedPairs.add(pair);
          observation = { kind: 'doubled', sources: [other, source] };
        }
      }
    }
    if (interleaved) this.doubledPackets++;
    if (this.current === undefined) {
      observation = { kind: 'started', source };
    } else if (this.current !== source && !interleaved) {
      this.changes++;
      const silenceMs = atMs - (this.sources.get(this.current)?.lastMs ?? atMs);
      observation = { kind: 'changed', from: this.current, to: source, silenceMs };
    }
    this.current = source;
    state.lastMs = atMs;
    state.lastIndex = index;
    state.count++;
    return observation;
  }

  // Keeps the map small when a stream sees many sources over a long call.
  private prune(nowMs: number): void {
    if (this.sources.size <= 16) return;
    for (const [key, s] of this.sources) {
      if (key !== this.current && s.lastMs < nowMs - 10 * this.windowMs) this.sources.delete(key);
    }
  }
}
