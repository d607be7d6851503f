import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../history/history-builder.js';
import { noDrop } from './no-drop.js';

const ctx = { bounds: { mediaResumeMs: 1500 } };
const base = () =>
  new HistoryBuilder()
    .answered('c1', { inviteMs: 0, answerMs: 100, node: 'fs1' })
    .answered('c2', { inviteMs: 0, answerMs: 120, node: 'fs1' })
    .fault(5_000, 'crash', 'fs1')
    .reinvite('c1', 5_400)
    .reinviteAnswered('c1', 5_405)
    .reinvite('c2', 5_410)
    .reinviteAnswered('c2', 5_415);

describe('no-drop', () => {
  it('is valid when calls stay up until the scenario hangs up (its own BYE and the far BYE after it are fine)', () => {
    const h = base().hangup('c1', 20_000).bye('c1', 20_050, 'remote', 'callee').build();
    const r = noDrop(h, ctx);
    expect(r.valid).toBe(true);
    expect(r.perCall?.map((c) => c.message)).toEqual([
      'no BYE, no failed re-INVITE; up until the scenario hung it up',
      'no BYE, no failed re-INVITE; still up at the end of the history',
    ]);
  });

  it('is invalid for a BYE from the network before the hangup (graceful stop)', () => {
    const h = base().bye('c2', 5_001, 'remote').hangup('c2', 20_000).build();
    const r = noDrop(h, ctx);
    expect(r.valid).toBe(false);
    expect(r.perCall?.find((c) => c.callId === 'c2')?.message).toBe(
      'BYE from the network (fs1) to the caller at t=5.001 s',
    );
    expect(r.details).toBe('1 of 2 answered calls kept up; 1 dropped by the network');
  });

  it('is invalid for a re-INVITE answered with a failure', () => {
    const h = new HistoryBuilder()
      .answered('c1', { inviteMs: 0, answerMs: 100 })
      .reinvite('c1', 5_400, 'callee')
      .reinviteAnswered('c1', 5_405, 500, 'callee')
      .build();
    const r = noDrop(h, ctx);
    expect(r.valid).toBe(false);
    expect(r.perCall?.[0]?.message).toBe('re-INVITE to the callee failed (500) at t=5.405 s');
  });

  it('is unknown when no call was answered, or a re-INVITE has no recorded answer', () => {
    expect(noDrop(new HistoryBuilder().invite('c1', 0).failed('c1', 100).build(), ctx).valid).toBe('unknown');
    const h = new HistoryBuilder()
      .answered('c1', { inviteMs: 0, answerMs: 100 })
      .reinvite('c1', 5_000)
      .build();
    const r = noDrop(h, ctx);
    expect(r.valid).toBe('unknown');
    expect(r.perCall?.[0]?.message).toContain('without a recorded answer');
  });
});
