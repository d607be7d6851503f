import { describe, expect, it } from 'vitest';
import { SeededRandom } from './seeded-random.js';

describe('SeededRandom', () => {
  it('replays the same sequence for the same seed and differs for another', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const seqA = Array.from({ length: 8 }, () => a.next());
    expect(Array.from({ length: 8 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 8 }, () => c.next())).not.toEqual(seqA);
  });

  it('picks every element of a list over many draws, within bounds', () => {
    const r = new SeededRandom(7);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(r.pick(['fs1', 'fs2', 'fs3']));
    expect([...seen].sort()).toEqual(['fs1', 'fs2', 'fs3']);
    for (let i = 0; i < 200; i++) {
      const n = r.int(3, 5);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(5);
    }
  });

  it('follows weights roughly and never picks a zero weight', () => {
    const r = new SeededRandom(1);
    const counts = { echo: 0, bridge: 0, conference: 0 };
    for (let i = 0; i < 3000; i++) counts[r.weighted({ echo: 1, bridge: 3, conference: 0 })]++;
    expect(counts.conference).toBe(0);
    expect(counts.bridge / counts.echo).toBeGreaterThan(2.4);
    expect(counts.bridge / counts.echo).toBeLessThan(3.7);
  });
});
