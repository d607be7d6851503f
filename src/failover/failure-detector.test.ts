import { describe, expect, it } from 'vitest';
import { initialDetectorState, observeProbe } from './failure-detector.js';

describe('failure detector', () => {
  it('declares dead exactly once, after N consecutive failures, remembering the first failure', () => {
    let s = initialDetectorState();
    const declared: number[] = [];
    [true, false, false, false, false].forEach((healthy, i) => {
      const r = observeProbe(s, healthy, i * 100, 3);
      s = r.state;
      if (r.declaredDead) declared.push(i * 100);
    });
    expect(declared).toEqual([300]);
    expect(s.firstFailureMs).toBe(100);
  });

  it('a healthy probe resets the count, so flapping never kills', () => {
    let s = initialDetectorState();
    for (const healthy of [false, false, true, false, false, true]) s = observeProbe(s, healthy, 0, 3).state;
    expect(s.dead).toBe(false);
  });
});
