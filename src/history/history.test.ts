import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock.js';
import { History } from './history.js';

describe('History', () => {
  it('numbers events in append order and stamps the wall time of the moment they happened', () => {
    const clock = new ManualClock(1_000);
    const h = new History(clock);
    const a = h.record('c1', 'invoke', 'call.invite', { callId: 'c1' });
    clock.advance(500);
    // a draft that reaches the history 200 ms after it happened keeps its own time
    const b = h.append({
      timeMs: 1_300,
      process: 'nemesis',
      type: 'invoke',
      kind: 'fault',
      value: { fault: 'crash' },
    });
    expect([a.index, b.index]).toEqual([0, 1]);
    expect(a.wallTime).toBe('2026-01-01T00:00:01.000Z');
    expect(b.wallTime).toBe('2026-01-01T00:00:01.300Z');
    expect(h.size).toBe(2);
  });

  it('hands out read-only views that later appends do not change', () => {
    const h = new History(new ManualClock());
    h.record('c1', 'invoke', 'call.invite', {});
    const view = h.events;
    h.record('c1', 'ok', 'call.answered', {});
    expect(view).toHaveLength(1);
    expect(Object.isFrozen(view)).toBe(true);
    expect(Object.isFrozen(view[0])).toBe(true);
    expect(() => (view as unknown as unknown[]).push({})).toThrow();
    expect(h.events).toBe(h.events); // no copy per read while nothing changes
    expect(h.events).toHaveLength(2);
  });

  it('filters by process and by kind or kind family', () => {
    const h = new History(new ManualClock());
    h.record('c1', 'invoke', 'call.invite', {});
    h.record('controller', 'info', 'controller.detect', { node: 'fs1' });
    h.record('controller', 'invoke', 'controller.migrate', {});
    h.record('c2', 'invoke', 'call.invite', {});
    expect(h.byProcess('controller').map((e) => e.index)).toEqual([1, 2]);
    expect(h.byKind('call.invite').map((e) => e.process)).toEqual(['c1', 'c2']);
    expect(h.byKind('controller.').map((e) => e.kind)).toEqual(['controller.detect', 'controller.migrate']);
    expect(h.filter((e) => e.type === 'info')).toHaveLength(1);
  });

  it('tells listeners about each append and stops when detached; the sink appends', () => {
    const h = new History(new ManualClock());
    const seen: number[] = [];
    const off = h.onAppend((e) => seen.push(e.index));
    h.sink({ timeMs: 0, process: 'lab', type: 'info', kind: 'lab.up', value: {} });
    off();
    h.record('lab', 'info', 'lab.down', {});
    expect(seen).toEqual([0]);
    expect(h.size).toBe(2);
  });

  it('refuses a draft without a usable time, and stored events with broken numbering', () => {
    const h = new History(new ManualClock());
    expect(() => h.append({ timeMs: Number.NaN, process: 'c1', type: 'info', kind: 'x', value: {} })).toThrow(
      /timeMs/,
    );
    const e = {
      index: 1,
      timeMs: 0,
      wallTime: '',
      process: 'c',
      type: 'info' as const,
      kind: 'k',
      value: {},
    };
    expect(() => History.from([e], new ManualClock())).toThrow(/index 1; expected 0/);
  });
});
