import { describe, expect, it } from 'vitest';
import { EventKind } from '../common/event-kinds.js';
import { HistoryBuilder } from '../history/history-builder.js';
import { singleOwner } from './single-owner.js';

const ctx = { bounds: { mediaResumeMs: 5000 } };
const channels = (b: HistoryBuilder, atMs: number, node: string, uuids: string[]) =>
  b.event(atMs, 'runner', 'info', EventKind.nodeChannels, { node, uuids });

/** c1, c2 bridged on fs1; fs1 is killed and restarted; fs2 recovered both calls (rows on fs2). */
const failback = () =>
  new HistoryBuilder()
    .answered('c1', { inviteMs: 0, answerMs: 100, node: 'fs1' })
    .answered('c2', { inviteMs: 0, answerMs: 100, node: 'fs1' })
    .fault(2_000, 'kill', 'fs1')
    .heal(6_000, 'kill', 'fs1')
    .legRows(12_000, 'fs1', ['c1', 'c2']);

describe('single-owner', () => {
  it('is valid when every live leg is held by one node', () => {
    const b = failback();
    channels(b, 12_000, 'fs1', ['c1-ua', 'c1-ub', 'c2-ua', 'c2-ub']);
    channels(b, 12_000, 'fs2', []);
    const r = singleOwner(b.build(), ctx);
    expect(r.valid).toBe(true);
    expect(r.perCall?.map((c) => c.message)).toEqual([
      '2 leg(s) live on fs1 only',
      '2 leg(s) live on fs1 only',
    ]);
  });

  it('is invalid for a zombie: the same leg live on the node that recovered it and on the one it was taken from', () => {
    const b = failback();
    // fs2 answers first: the message names the nodes in order all the same
    channels(b, 12_000, 'fs2', ['c1-ua', 'c1-ub']);
    channels(b, 12_000, 'fs1', ['c1-ua', 'c1-ub', 'c2-ua', 'c2-ub']);
    const r = singleOwner(b.build(), ctx);
    expect(r.valid).toBe(false);
    expect(r.perCall?.map((c) => [c.callId, c.valid, c.message])).toEqual([
      ['c1', false, 'leg c1-a live on fs1 and fs2; leg c1-b live on fs1 and fs2'],
      ['c2', true, '2 leg(s) live on fs1 only'],
    ]);
    expect(r.details).toMatch(/^2 leg\(s\) live on two nodes at t=12\.000 s/);
  });

  it('ignores a dead node, judges only the last snapshot after the fault, and flags unattributable doubles', () => {
    const b = new HistoryBuilder()
      .answered('c1', { inviteMs: 0, answerMs: 100, node: 'fs1' })
      .legRows(1_000, 'fs2', ['c1'])
      .fault(2_000, 'kill', 'fs1');
    channels(b, 1_500, 'fs2', ['c1-ua', 'c1-ub', 'x']);
    channels(b, 1_500, 'fs3', ['x']);
    b.event(9_000, 'runner', 'fail', EventKind.nodeChannels, { node: 'fs1', error: 'ESL connect refused' });
    channels(b, 9_000, 'fs2', ['c1-ua', 'c1-ub', 'ghost']);
    channels(b, 9_000, 'fs3', ['ghost']);
    const r = singleOwner(b.build(), ctx);
    expect(r.valid).toBe(false);
    expect(r.perCall?.map((c) => c.valid)).toEqual([true]);
    expect(r.details).toContain('not attributable to a call: ghost on fs2 and fs3');
    expect(r.details).toContain('dead: fs1');
  });

  it('cannot decide without a snapshot, or when a live node could not be asked', () => {
    expect(singleOwner(failback().build(), ctx).valid).toBe('unknown');
    const b = failback();
    channels(b, 12_000, 'fs1', ['c1-ua', 'c1-ub', 'c2-ua', 'c2-ub']);
    b.event(12_000, 'runner', 'fail', EventKind.nodeChannels, { node: 'fs2', error: 'timeout' });
    const r = singleOwner(b.build(), ctx);
    expect(r.valid).toBe('unknown');
    expect(r.details).toContain('channels of fs2 could not be read');
  });
});
