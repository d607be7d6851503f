import { describe, expect, it } from 'vitest';
import { SendSchedule, type SlotAction } from './send-schedule.js';

/** Runs the schedule at each tick time; returns [deadline, action] pairs. */
function ticks(s: SendSchedule, at: number[]): [number, SlotAction][] {
  const out: [number, SlotAction][] = [];
  for (const now of at) s.run(now, (d, a) => out.push([d, a]));
  return out;
}

describe('SendSchedule', () => {
  it('keeps absolute 20 ms deadlines however irregular the ticks', () => {
    const s = new SendSchedule(1000);
    const out = ticks(s, [1000, 1013, 1027, 1041, 1059, 1100]);
    expect(out.map(([d]) => d)).toEqual([1000, 1020, 1040, 1060, 1080, 1100]);
    expect(out.every(([, a]) => a === 'send')).toBe(true);
  });

  it('sends exactly 50 packets per second over a long run of jittery ticks', () => {
    const s = new SendSchedule(0);
    const at: number[] = [];
    for (let t = 0; t < 60_000; t += 5 + (t % 7)) at.push(t);
    at.push(60_000 - 1);
    expect(ticks(s, at).length).toBe(3000);
  });

  it('catches up a short stall in a burst and skips what is too old after a long one', () => {
    const s = new SendSchedule(0, 20, 5);
    const short = ticks(s, [0, 60]);
    expect(short.map(([, a]) => a)).toEqual(['send', 'send', 'send', 'send']);
    const long = ticks(s, [1000]);
    expect(long.filter(([, a]) => a === 'skip').length).toBe(42);
    expect(long.filter(([, a]) => a === 'send').map(([d]) => d)).toEqual([920, 940, 960, 980, 1000]);
    expect(s.skipped).toBe(42);
  });

  it('withholds the slots of an injected pause', () => {
    const s = new SendSchedule(0);
    ticks(s, [0]);
    s.pause(10, 200, true);
    const out = ticks(s, [20, 40, 100, 200, 220, 240]);
    expect(out.filter(([, a]) => a === 'drop').map(([d]) => d)).toEqual([
      20, 40, 60, 80, 100, 120, 140, 160, 180, 200,
    ]);
    expect(out.filter(([, a]) => a === 'send').map(([d]) => d)).toEqual([220, 240]);
  });

  it('marks a pause that keeps the sequence as hold', () => {
    const s = new SendSchedule(0);
    s.pause(0, 40, false);
    expect(ticks(s, [40]).map(([, a]) => a)).toEqual(['hold', 'hold', 'send']);
  });
});
