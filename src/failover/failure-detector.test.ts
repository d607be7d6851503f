import { describe, expect, it } from 'vitest';
import { initialDetectorState, observeProbe, onlyTimeouts } from './failure-detector.js';

const countOnly = { failuresToDeclareDead: 3, timeoutOnlyDeadMs: 0 };

describe('failure detector', () => {
  it('declares dead exactly once, after N consecutive failures, remembering the first failure', () => {
    let s = initialDetectorState();
    const declared: number[] = [];
    [true, false, false, false, false].forEach((healthy, i) => {
      const r = observeProbe(s, healthy, i * 100, countOnly);
      s = r.state;
      if (r.declaredDead) declared.push(i * 100);
    });
    expect(declared).toEqual([300]);
    expect(s.firstFailureMs).toBe(100);
  });

  it('a healthy probe resets the count, so flapping never kills', () => {
    let s = initialDetectorState();
    for (const healthy of [false, false, true, false, false, true])
      s = observeProbe(s, healthy, 0, countOnly).state;
    expect(s.dead).toBe(false);
  });
});

describe('failure detector with timeouts', () => {
  const policy = { failuresToDeclareDead: 3, timeoutOnlyDeadMs: 2_000 };
  it('a refused connection after two timeouts declares death at once', () => {
    let s = initialDetectorState();
    s = observeProbe(s, 'timeout', 0, policy).state;
    s = observeProbe(s, 'timeout', 1_000, policy).state;
    expect(observeProbe(s, 'down', 1_100, policy).declaredDead).toBe(true);
  });

  it('timeouts alone need the minimum span: a loaded node is not killed after 3 slow probes', () => {
    let s = initialDetectorState();
    const declared: number[] = [];
    for (const t of [0, 400, 800, 1_200, 1_600, 2_000]) {
      const r = observeProbe(s, 'timeout', t, policy);
      s = r.state;
      if (r.declaredDead) declared.push(t);
    }
    expect(declared).toEqual([2_000]);
  });
});

describe('failure detector with the orchestrator’s word', () => {
  it('a process the orchestrator reports gone is dead at the first probe, without waiting for N', () => {
    const r = observeProbe(initialDetectorState(), 'gone', 500, {
      failuresToDeclareDead: 3,
      timeoutOnlyDeadMs: 2_000,
    });
    expect(r.declaredDead).toBe(true);
    expect(r.state.firstFailureMs).toBe(500);
  });
});

describe('failure detector streak', () => {
  it('keeps the failed outcomes since the last answer, which tell a timeouts-only streak apart', () => {
    const policy = { failuresToDeclareDead: 5, timeoutOnlyDeadMs: 0 };
    let s = initialDetectorState();
    for (const o of ['timeout', 'up', 'timeout', 'timeout'] as const) s = observeProbe(s, o, 0, policy).state;
    expect(s.failures).toEqual(['timeout', 'timeout']);
    expect(onlyTimeouts(s)).toBe(true);
    s = observeProbe(s, 'down', 0, policy).state;
    expect(onlyTimeouts(s)).toBe(false);
  });
});
