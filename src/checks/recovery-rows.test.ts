import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../history/history-builder.js';
import { recoveryRows } from './recovery-rows.js';

const ctx = { bounds: { mediaResumeMs: 1500 } };
/** c1, c2 on fs1 and c3 on fs2; fs1 crashes; the controller moves fs1's legs to fs2. */
const failover = () =>
  new HistoryBuilder()
    .answered('c1', { inviteMs: 0, answerMs: 100, node: 'fs1' })
    .answered('c2', { inviteMs: 0, answerMs: 100, node: 'fs1' })
    .answered('c3', { inviteMs: 0, answerMs: 100, node: 'fs2' })
    .legRows(1_000, 'fs1', ['c1', 'c2'])
    .legRows(1_000, 'fs2', ['c3'])
    .fault(5_000, 'crash', 'fs1')
    .detect(5_300, 'fs1')
    .migrate(5_310, 5_320, 'fs1', 'fs2', 4)
    .recover(5_330, 5_380, 'fs2', 4)
    .confirm(5_600, 'fs2', 4);

describe('recovery-rows', () => {
  it('is valid when every live call has each leg once on one live node and nothing is left behind', () => {
    const h = failover().legRows(6_000, 'fs1', []).legRows(6_000, 'fs2', ['c1', 'c2', 'c3']).build();
    const r = recoveryRows(h, ctx);
    expect(r.valid).toBe(true);
    expect(r.perCall?.map((c) => c.message)).toEqual([
      '2 leg(s) on fs2',
      '2 leg(s) on fs2',
      '2 leg(s) on fs2',
    ]);
    expect(r.details).toBe(
      '3 of 3 live calls have each leg on exactly one live node; no orphaned rows; dead: fs1',
    );
  });

  it('ignores snapshots taken before recovery and calls the scenario hung up', () => {
    const h = failover().hangup('c3', 5_900).legRows(6_000, 'fs2', ['c1', 'c2']).build();
    const r = recoveryRows(h, ctx);
    expect(r.valid).toBe(true);
    expect(r.perCall?.map((c) => c.callId)).toEqual(['c1', 'c2']);
  });

  it('is invalid for legs left on the dead node, lost, split or owned twice, and for orphaned rows', () => {
    const h = failover()
      .rows(6_000, 'fs1', [{ uuid: 'u1', callId: 'c1-a' }])
      .rows(6_000, 'fs2', [
        { uuid: 'u2', callId: 'c1-b' },
        { uuid: 'u3', callId: 'c2-a' },
        { uuid: 'u5', callId: 'c3-a' },
        { uuid: 'u6', callId: 'c3-b' },
        { uuid: 'u7', callId: 'ghost-a' },
      ])
      .rows(6_000, 'fs3', [
        { uuid: 'u8', callId: 'c3-b' },
        { uuid: 'u9', callId: 'c2-a' },
      ])
      .build();
    const r = recoveryRows(h, ctx);
    expect(r.valid).toBe(false);
    expect(r.perCall?.map((c) => c.message)).toEqual([
      'leg c1-a still on dead node fs1',
      'leg c2-a owned by fs2 and fs3; leg c2-b lost (no row anywhere)',
      'leg c3-b owned by fs2 and fs3',
    ]);
    expect(r.details).toContain('1 orphaned row(s): u7 (ghost-a) on fs2');
  });

  it('flags the legs of one bridge recovered on two different nodes', () => {
    const h = failover()
      .rows(6_000, 'fs2', [
        { uuid: 'a', callId: 'c1-a' },
        ...['c2-a', 'c2-b', 'c3-a', 'c3-b'].map((c) => ({ uuid: c, callId: c })),
      ])
      .rows(6_000, 'fs3', [{ uuid: 'b', callId: 'c1-b' }])
      .build();
    const r = recoveryRows(h, ctx);
    expect(r.perCall?.[0]).toMatchObject({ valid: false, message: 'legs split across fs2 and fs3' });
  });

  it('is unknown without snapshots, without one after the fault, or with all of them before recovery ended', () => {
    expect(recoveryRows(failover().build(), ctx).details).toBe(
      'no recovery.rows snapshot after the first fault (t=5.000 s)',
    );
    const noSnap = new HistoryBuilder().answered('c1', { inviteMs: 0, answerMs: 100 }).build();
    expect(recoveryRows(noSnap, ctx)).toMatchObject({
      valid: 'unknown',
      details: 'no recovery.rows snapshot in the history',
    });
    const early = failover().legRows(5_500, 'fs2', ['c1', 'c2', 'c3']).build();
    expect(recoveryRows(early, ctx)).toMatchObject({
      valid: 'unknown',
      details: 'every recovery.rows snapshot was taken before the controller finished recovering (t=5.600 s)',
    });
  });

  it('cannot vouch for lost legs when every call had ended before the snapshot, but still flags orphans', () => {
    const late = failover().hangup('c1', 5_800).hangup('c2', 5_800).hangup('c3', 5_800);
    const clean = recoveryRows(late.legRows(6_000, 'fs2', []).build(), ctx);
    expect(clean.valid).toBe('unknown');
    expect(clean.details).toMatch(/^no call was up when the rows were snapshotted .*; no orphaned rows/);
    const left = failover()
      .hangup('c1', 5_800)
      .hangup('c2', 5_800)
      .hangup('c3', 5_800)
      .legRows(6_000, 'fs2', ['c1']);
    expect(recoveryRows(left.build(), ctx).valid).toBe(false);
  });

  it('is invalid when recovery never happened and the legs still sit on the dead node', () => {
    const stuck = new HistoryBuilder()
      .answered('c1', { inviteMs: 0, answerMs: 100 })
      .fault(1_000, 'crash', 'fs1')
      .legRows(2_000, 'fs1', ['c1'])
      .build();
    const r = recoveryRows(stuck, ctx);
    expect(r.valid).toBe(false);
    expect(r.perCall?.[0]?.message).toBe('leg c1-a still on dead node fs1; leg c1-b still on dead node fs1');
  });

  it("is unknown when a node's table could not be read, or holds a row that cannot be parsed", () => {
    const unread = failover()
      .legRows(6_000, 'fs2', ['c1', 'c2', 'c3'])
      .event(6_000, 'runner', 'fail', 'recovery.rows', { node: 'fs3', error: 'connection refused' })
      .build();
    expect(recoveryRows(unread, ctx)).toMatchObject({
      valid: 'unknown',
      details: 'recovery rows could not be read after recovery on fs3 (connection refused)',
    });
    const b = failover().legRows(6_000, 'fs2', ['c1', 'c2', 'c3']);
    b.event(6_000, 'runner', 'info', 'recovery.rows', {
      node: 'fs3',
      rows: [],
      malformed: [{ uuid: 'bad-1', problem: 'no metadata' }],
    });
    const r = recoveryRows(b.build(), ctx);
    expect(r.valid).toBe('unknown');
    expect(r.details).toContain('1 malformed row(s): bad-1 on fs3');
  });

  it('accepts rows back on a crashed node once it was restarted (single-node recovery)', () => {
    const h = new HistoryBuilder()
      .answered('c1', { inviteMs: 0, answerMs: 100, node: 'fs1' })
      .fault(1_000, 'crash', 'fs1')
      .heal(3_000, 'crash', 'fs1')
      .recover(4_000, 4_050, 'fs1', 2)
      .legRows(5_000, 'fs1', ['c1'])
      .build();
    expect(recoveryRows(h, ctx).valid).toBe(true);
  });

  it('is invalid for a conference room whose members were moved to different nodes', () => {
    const b = new HistoryBuilder();
    for (const [m, room] of [
      ['m1', 'conference-1'],
      ['m2', 'conference-1'],
      ['m3', 'conference-1'],
      ['n1', 'conference-2'],
      ['n2', 'conference-2'],
    ] as const) {
      b.event(0, m, 'invoke', 'call.invite', { callId: m, mode: 'conference', room });
      b.event(100, m, 'ok', 'call.answered', { callId: m, answerMs: 100, node: 'fs1', legCallIds: [m] });
    }
    const h = b
      .legRows(1_000, 'fs1', [])
      .fault(5_000, 'crash', 'fs1')
      .migrate(5_310, 5_320, 'fs1', ['fs2', 'fs3'], 5)
      .recover(5_330, 5_380, 'fs2', 3)
      .recover(5_330, 5_380, 'fs3', 2)
      .rows(6_000, 'fs1', [])
      .rows(6_000, 'fs2', [
        { uuid: 'u1', callId: 'm1' },
        { uuid: 'u2', callId: 'm2' },
        { uuid: 'u4', callId: 'n1' },
        { uuid: 'u5', callId: 'n2' },
      ])
      .rows(6_000, 'fs3', [{ uuid: 'u3', callId: 'm3' }])
      .build();
    const r = recoveryRows(h, ctx);
    expect(r.valid).toBe(false);
    expect(r.perCall?.map((c) => [c.callId, c.valid, c.message])).toEqual([
      ['m1', false, 'conference room conference-1 split across fs2 and fs3 (this member on fs2)'],
      ['m2', false, 'conference room conference-1 split across fs2 and fs3 (this member on fs2)'],
      ['m3', false, 'conference room conference-1 split across fs2 and fs3 (this member on fs3)'],
      ['n1', true, '1 leg(s) on fs2'],
      ['n2', true, '1 leg(s) on fs2'],
    ]);
  });
});
