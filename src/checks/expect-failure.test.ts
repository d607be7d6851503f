import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../history/history-builder.js';
import type { Check } from './check.js';
import { expectFailure } from './expect-failure.js';
import { noDrop } from './no-drop.js';

const ctx = { bounds: { mediaResumeMs: 1500 } };
/** graceful stop: fs1 sends BYE on c1 and c2; c3 on fs2 is untouched. */
const gracefulStop = () =>
  new HistoryBuilder()
    .answered('c1', { inviteMs: 0, answerMs: 100, node: 'fs1' })
    .answered('c2', { inviteMs: 0, answerMs: 100, node: 'fs1' })
    .answered('c3', { inviteMs: 0, answerMs: 100, node: 'fs2' })
    .fault(5_000, 'stop', 'fs1')
    .bye('c1', 5_010, 'remote')
    .bye('c2', 5_011, 'remote')
    .build();
const why = 'a graceful stop hangs up its calls';

describe('expectFailure', () => {
  it('passes, saying so, when the check fails exactly as predicted', () => {
    const check = expectFailure('no-drop', noDrop, {
      why,
      failingCalls: ['c1', 'c2'],
      matching: /BYE from the network/,
    });
    const r = check(gracefulStop(), ctx);
    expect(r.valid).toBe(true);
    expect(r.details).toMatch(/^EXPECTED FAILURE observed \(a graceful stop hangs up its calls\): 1 of 3/);
    expect(r.expectation).toEqual({ valid: false, why, met: true });
    expect(r.actual?.valid).toBe(false);
    expect(r.perCall?.map((c) => [c.callId, c.valid, c.message.startsWith('as expected')])).toEqual([
      ['c1', true, true],
      ['c2', true, true],
      ['c3', true, false],
    ]);
  });

  it('fails when the predicted failure does not happen', () => {
    const clean = new HistoryBuilder().answered('c1', { inviteMs: 0, answerMs: 100 }).build();
    const r = expectFailure('no-drop', noDrop, { why })(clean, ctx);
    expect(r.valid).toBe(false);
    expect(r.details).toMatch(
      /^expected no-drop to fail \(a graceful stop hangs up its calls\), but it passed/,
    );
  });

  it('fails when the check fails differently: other calls, another count, other text', () => {
    const h = gracefulStop();
    const other = expectFailure('no-drop', noDrop, { why, failingCalls: ['c1', 'c3'] })(h, ctx);
    expect(other.valid).toBe(false);
    expect(other.details).toContain('unexpected: c2; expected but passed: c3');
    expect(expectFailure('no-drop', noDrop, { why, failingCalls: 1 })(h, ctx).details).toContain(
      '2 call(s) failed, not 1',
    );
    expect(expectFailure('no-drop', noDrop, { why, matching: 're-INVITE' })(h, ctx).details).toContain(
      'no detail matches re-INVITE',
    );
  });

  it('stays unknown when the wrapped check cannot decide or throws', () => {
    const crashing: Check = () => {
      throw new Error('bad history');
    };
    const r = expectFailure('no-drop', crashing, { why })(gracefulStop(), ctx);
    expect(r.valid).toBe('unknown');
    expect(r.actual?.details).toBe('check crashed: bad history');
  });
});
