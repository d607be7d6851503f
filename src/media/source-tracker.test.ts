import { describe, expect, it } from 'vitest';
import { SourceTracker } from './source-tracker.js';

/** Feeds [source, atMs] pairs; returns the observations in order. */
function run(t: SourceTracker, packets: [string, number][]) {
  return packets.map(([s, at]) => t.feed(s, at)).filter((o) => o !== undefined);
}

describe('SourceTracker', () => {
  it('reports the first source as started and nothing more for a steady stream', () => {
    const t = new SourceTracker();
    expect(
      run(t, [
        ['A', 0],
        ['A', 20],
        ['A', 40],
      ]),
    ).toEqual([{ kind: 'started', source: 'A' }]);
  });

  it('reports a clean hand-over as a change, even with no silence between', () => {
    const t = new SourceTracker();
    const seen = run(t, [
      ['A', 0],
      ['A', 20],
      ['B', 40],
      ['B', 60],
      ['B', 80],
    ]);
    expect(seen).toEqual([
      { kind: 'started', source: 'A' },
      { kind: 'changed', from: 'A', to: 'B', silenceMs: 20 },
    ]);
    expect(t.doubledPackets).toBe(0);
    expect(t.changes).toBe(1);
  });

  it('reports interleaved sources as doubled, once per pair', () => {
    const t = new SourceTracker();
    const seen = run(t, [
      ['A', 0],
      ['B', 5],
      ['A', 20],
      ['B', 25],
      ['A', 40],
      ['B', 45],
    ]);
    expect(seen).toEqual([
      { kind: 'started', source: 'A' },
      { kind: 'changed', from: 'A', to: 'B', silenceMs: 5 },
      { kind: 'doubled', sources: ['B', 'A'] },
    ]);
    expect(t.doubledPackets).toBe(4);
  });

  it('reports a single stray packet from a second source amid a stream as doubled', () => {
    const t = new SourceTracker();
    const kinds = run(t, [
      ['A', 0],
      ['A', 20],
      ['B', 30],
      ['A', 40],
    ]).map((o) => o.kind);
    expect(kinds).toEqual(['started', 'changed', 'doubled']);
  });

  it('reports a return to an old source after silence as a change, not doubling', () => {
    const t = new SourceTracker();
    const seen = run(t, [
      ['A', 0],
      ['B', 1000],
      ['B', 1020],
      ['A', 3000],
      ['A', 3020],
    ]);
    expect(seen.map((o) => o.kind)).toEqual(['started', 'changed', 'changed']);
    expect(t.doubledPackets).toBe(0);
  });
});
