import { describe, expect, it } from 'vitest';
import { StallLog } from './stall-log.js';

describe('StallLog', () => {
  it('records a stall when beats come later than the interval plus tolerance', () => {
    const log = new StallLog(5, 15);
    expect(log.beat(0)).toBeUndefined();
    expect(log.beat(5)).toBeUndefined();
    expect(log.beat(24)).toBeUndefined();
    expect(log.beat(224)).toEqual({ startMs: 29, endMs: 224 });
    expect(log.maxStallMs).toBe(195);
  });

  it('extends a running stall from datagram callbacks without moving the tick baseline', () => {
    const log = new StallLog(10, 15);
    log.beat(0);
    expect(log.check(20)).toBeUndefined();
    expect(log.check(40)).toEqual({ startMs: 10, endMs: 40 });
    log.check(90);
    expect(log.overlapMs(0, 1000)).toBe(80);
    expect(log.beat(100)).toEqual({ startMs: 10, endMs: 100 });
    expect(log.totalStallMs).toBe(90);
  });

  it('measures how much of an interval stalls cover, merging windows from two threads', () => {
    const log = new StallLog(10);
    log.add({ startMs: 100, endMs: 200 });
    log.add({ startMs: 300, endMs: 350 });
    log.add({ startMs: 150, endMs: 250 }); // late, overlapping the first
    expect(log.overlapMs(0, 1000)).toBe(200);
    expect(log.overlapMs(180, 320)).toBe(90);
    expect(log.overlapMs(400, 500)).toBe(0);
    expect(log.totalStallMs).toBe(200);
    expect(log.maxStallMs).toBe(150);
  });

  it('counts only the windows inside an interval among thousands of older ones', () => {
    const log = new StallLog(10, 15, 1e9);
    for (let i = 0; i < 5_000; i++) log.add({ startMs: i * 100, endMs: i * 100 + 30 });
    expect(log.overlapMs(499_810, 499_920)).toBe(40); // the ends of the last two windows
    expect(log.overlapMs(250_000, 250_230)).toBe(90); // three whole windows in the middle
    expect(log.overlapMs(-100, 10)).toBe(10);
  });
});
