import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../history/history-builder.js';
import { type Check, mergeValidity, overallValidity, runCheck, runChecks } from './check.js';
import { exitCode, exitCodeFor } from './exit-code.js';

const ctx = { bounds: { mediaResumeMs: 1500 } };
const history = new HistoryBuilder().answered('c1', { inviteMs: 0, answerMs: 100 }).build();

describe('check plumbing', () => {
  it('merges false over unknown over true', () => {
    expect(mergeValidity()).toBe(true);
    expect(mergeValidity(true, true)).toBe(true);
    expect(mergeValidity(true, 'unknown', true)).toBe('unknown');
    expect(mergeValidity('unknown', false, true)).toBe(false);
    expect(mergeValidity(false, 'unknown')).toBe(false);
  });

  it('turns a throwing check into unknown, never a pass', () => {
    const crashing: Check = () => {
      throw new Error('boom');
    };
    const r = runCheck('crashy', crashing, history, ctx);
    expect(r).toEqual({ name: 'crashy', valid: 'unknown', details: 'check crashed: boom' });
  });

  it('rejects a verdict that is not true, false or unknown', () => {
    const sloppy = (() => ({ name: 'x', valid: 'yes', details: '' })) as unknown as Check;
    expect(runCheck('x', sloppy, history, ctx).valid).toBe('unknown');
  });

  it('runs checks in order under their registry names and merges them', () => {
    const pass: Check = () => ({ name: 'ignored', valid: true, details: 'fine' });
    const fail: Check = (h) => ({ name: 'f', valid: h.length > 100, details: `${h.length} events` });
    const results = runChecks({ first: pass, second: fail }, history, ctx);
    expect(results.map((r) => [r.name, r.valid])).toEqual([
      ['first', true],
      ['second', false],
    ]);
    expect(overallValidity(results)).toBe(false);
  });

  it('maps verdicts to exit codes 0/1/2, and no checks at all to 2', () => {
    expect([exitCodeFor(true), exitCodeFor(false), exitCodeFor('unknown')]).toEqual([0, 1, 2]);
    const r = (valid: true | false | 'unknown') => ({ name: 'x', valid, details: '' });
    expect(exitCode([r(true), r(true)])).toBe(0);
    expect(exitCode([r(true), r('unknown')])).toBe(2);
    expect(exitCode([r('unknown'), r(false)])).toBe(1);
    expect(exitCode([])).toBe(2);
  });
});
