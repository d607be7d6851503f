import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../history/history-builder.js';
import { gapStats, percentile, runStats } from './run-stats.js';
import { runTimeline } from './run-timeline.js';

describe('run statistics', () => {
  it('uses nearest-rank percentiles', () => {
    const s = Array.from({ length: 20 }, (_, i) => (i + 1) * 10);
    expect(percentile(s, 50)).toBe(100);
    expect(percentile(s, 95)).toBe(190);
    expect(percentile([], 50)).toBeUndefined();
    expect(gapStats([300, 100, 200])).toEqual({ count: 3, p50Ms: 200, p95Ms: 300, maxMs: 300 });
  });

  it('measures survival, controller step times and fault gaps per direction', () => {
    const b = new HistoryBuilder();
    for (let i = 0; i < 4; i++) b.answered(`c${i}`, { inviteMs: 0, answerMs: 100, node: 'fs1' });
    b.fault(10_000, 'crash', 'fs1')
      .detect(10_300, 'fs1')
      .fence(10_300, 10_305, 'fs1')
      .migrate(10_310, 10_330, 'fs1', 'fs2', 8)
      .recover(10_335, 10_390, 'fs2', 8)
      .confirm(10_700, 'fs2', 8);
    b.gaps('c0', 9_990, 10_400).gaps('c1', 9_990, 10_500).gaps('c2', 9_990, 10_600);
    b.gap('c3', 'to-caller', 9_990, 10_450).stats('c3', 'to-callee', 20_000, 9_990); // never resumed
    const s = runStats(b.build(), 1_500);
    expect(s).toMatchObject({
      callsPlaced: 4,
      callsAnswered: 4,
      callsAtFault: 4,
      callsSurvived: 3,
      survival: 0.75,
    });
    expect(s).toMatchObject({ detectMs: 300, migrateMs: 20, recoverMs: 365, failoverMs: 700, unresumed: 1 });
    expect(s.gaps['to-caller']).toEqual({ count: 4, p50Ms: 460, p95Ms: 610, maxMs: 610 });
    expect(s.gaps['to-callee']).toEqual({ count: 3, p50Ms: 510, p95Ms: 610, maxMs: 610 });
  });

  it('pairs fault windows with heals and controller steps with their outcome', () => {
    const h = new HistoryBuilder()
      .fault(1_000, 'partition', ['fs1', 'fs2'])
      .fault(1_500, 'crash', 'fs3')
      .heal(4_000, 'partition', ['fs2', 'fs1'])
      .event(2_000, 'controller', 'invoke', 'controller.fence', { node: 'fs3', method: 'kill' })
      .event(2_100, 'controller', 'fail', 'controller.fence', { node: 'fs3', method: 'kill' })
      .build();
    const tl = runTimeline(h);
    expect(tl.faults.map((f) => [f.fault, f.startMs, f.effectiveMs, f.endMs])).toEqual([
      ['partition', 1_000, 1_005, 4_005],
      ['crash', 1_500, 1_505, undefined],
    ]);
    expect(tl.steps).toMatchObject([
      { step: 'fence', subject: 'fs3', startMs: 2_000, endMs: 2_100, ok: false },
    ]);
    expect(tl.firstFaultMs).toBe(1_000);
    expect(tl.recoveryEndMs).toBe(4_005);
  });

  it('does not call a heal a recovery when the controller tried to recover and failed', () => {
    const h = new HistoryBuilder()
      .fault(1_000, 'crash', 'fs1')
      .event(1_500, 'controller', 'invoke', 'controller.recover', { node: 'fs2' })
      .event(2_500, 'controller', 'fail', 'controller.recover', { node: 'fs2', error: 'timeout' })
      .heal(9_000, 'crash', 'fs1')
      .build();
    const tl = runTimeline(h);
    expect(tl.recoveryEndMs).toBeUndefined();
    expect(tl.recoveredMs).toBeUndefined();
    expect(runStats(h, 1_500).failoverMs).toBeUndefined();
  });
});
