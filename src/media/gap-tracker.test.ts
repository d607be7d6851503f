import { describe, expect, it } from 'vitest';
import { GapTracker } from './gap-tracker.js';

/** Feeds [arrivalMs, seq] pairs and collects the gaps. */
function run(t: GapTracker, packets: [number, number][]) {
  return packets.map(([at, seq]) => t.feed(at, seq, seq * 20)).filter((g) => g !== undefined);
}

describe('GapTracker', () => {
  it('reports no gap for a steady 20 ms stream with jitter', () => {
    const t = new GapTracker();
    const gaps = run(t, [
      [0, 1],
      [21, 2],
      [39, 3],
      [65, 4],
      [80, 5],
    ]);
    expect(gaps).toEqual([]);
    expect(t.lost).toBe(0);
  });

  it('measures lost packets as a gap of N x ptime with the lost count', () => {
    const t = new GapTracker();
    // seq 3..12 lost: 10 packets, 200 ms of missing audio
    const gaps = run(t, [
      [0, 1],
      [20, 2],
      [240, 13],
      [260, 14],
    ]);
    expect(gaps).toEqual([{ startMs: 40, endMs: 240, durationMs: 200, lostPackets: 10, sentSpanMs: 200 }]);
    expect(t.lost).toBe(10);
    expect(t.received).toBe(4);
  });

  it('treats two missing packets as no gap and three as a gap (threshold 50 ms)', () => {
    const t = new GapTracker();
    expect(
      run(t, [
        [0, 1],
        [60, 4],
      ]),
    ).toEqual([]);
    expect(run(t, [[140, 8]])).toEqual([
      { startMs: 80, endMs: 140, durationMs: 60, lostPackets: 3, sentSpanMs: 60 },
    ]);
  });

  it('counts three missing packets on the sender schedule as a gap even when arrival jitter shrinks it', () => {
    const t = new GapTracker();
    // seq 2..4 lost; the packet before arrived 9 ms late, the one after 5 ms early: only 46 ms of silence.
    t.feed(9, 1, 0);
    expect(t.feed(75, 5, 80)).toEqual({
      startMs: 29,
      endMs: 75,
      durationMs: 46,
      lostPackets: 3,
      sentSpanMs: 60,
    });
    // two lost with the same jitter stays below the threshold on both clocks
    expect(t.feed(135, 8, 140)).toBeUndefined();
  });

  it('reports a delayed burst (nothing lost) as a gap with zero loss', () => {
    const t = new GapTracker();
    const gaps = run(t, [
      [0, 1],
      [300, 2],
      [300, 3],
      [301, 4],
    ]);
    expect(gaps).toEqual([{ startMs: 20, endMs: 300, durationMs: 280, lostPackets: 0, sentSpanMs: 0 }]);
  });

  it('counts reordered packets as late, not lost', () => {
    const t = new GapTracker();
    run(t, [
      [0, 1],
      [20, 3],
      [21, 2],
      [40, 4],
    ]);
    expect(t.late).toBe(1);
    expect(t.lost).toBe(0);
  });

  it('re-bases on an implausible sequence jump instead of counting loss', () => {
    const t = new GapTracker();
    run(t, [
      [0, 1],
      [20, 2],
      [40, 900_000],
      [60, 900_001],
    ]);
    expect(t.resyncs).toBe(1);
    expect(t.lost).toBe(0);
  });

  it('tells the silence running now', () => {
    const t = new GapTracker();
    expect(t.silenceMs(100)).toBe(0);
    t.feed(0, 1);
    expect(t.silenceMs(10)).toBe(0);
    expect(t.silenceMs(120)).toBe(100);
  });
});
