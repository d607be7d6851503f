// Expected failures: a demonstration scenario passes when its named checks fail exactly as predicted.
import { type CallVerdict, type Check, type CheckResult, runCheck, type Validity } from './check.js';

/** What a demonstration scenario predicts for one check. */
export interface Expectation {
  /** The verdict the check must reach (default false). */
  valid?: false | 'unknown';
  /** Why the scenario is expected to fail; shown first in reports. */
  why: string;
  /** Which calls must fail: their ids, or how many; the rest must pass. Default: any. */
  failingCalls?: number | readonly string[];
  /** Text (or pattern) the check's details or a failing call's message must contain. */
  matching?: string | RegExp;
}

/** Wraps a check so that failing as predicted is a pass, and passing (or failing differently) is a failure. */
export function expectFailure(name: string, check: Check, e: Expectation): Check {
  const want: Validity = e.valid ?? false;
  return (history, ctx) => {
    const actual = runCheck(name, check, history, ctx);
    const miss = mismatch(actual, want, e);
    const met = miss === undefined;
    let valid: Validity = met;
    // a check that could not decide cannot confirm a predicted failure either
    if (!met && actual.valid === 'unknown') valid = 'unknown';
    const details = met
      ? `EXPECTED FAILURE observed (${e.why}): ${actual.details}`
      : `expected ${name} to ${want === false ? 'fail' : 'be undecidable'} (${e.why}), but ${miss}: ${actual.details}`;
    const result: CheckResult = {
      name,
      valid,
      details,
      expectation: { valid: want, why: e.why, met },
      actual,
    };
    if (actual.perCall) result.perCall = actual.perCall.map((c) => relabel(c, met));
    if (actual.data) result.data = actual.data;
    return result;
  };
}

function relabel(c: CallVerdict, met: boolean): CallVerdict {
  return met && c.valid !== true ? { ...c, valid: true, message: `as expected: ${c.message}` } : c;
}

function mismatch(actual: CheckResult, want: Validity, e: Expectation): string | undefined {
  if (actual.valid !== want)
    return actual.valid === true ? 'it passed' : `its verdict was ${String(actual.valid)}`;
  const failing = (actual.perCall ?? []).filter((c) => c.valid === want).map((c) => c.callId);
  if (typeof e.failingCalls === 'number' && failing.length !== e.failingCalls) {
    return `${failing.length} call(s) failed, not ${e.failingCalls}`;
  }
  if (Array.isArray(e.failingCalls)) {
    const wanted = new Set<string>(e.failingCalls);
    const extra = failing.filter((c) => !wanted.has(c));
    const missing = [...wanted].filter((c) => !failing.includes(c));
    if (extra.length || missing.length) {
      return `failing calls differ (unexpected: ${extra.join(', ') || 'none'}; expected but passed: ${missing.join(', ') || 'none'})`;
    }
  }
  if (e.matching !== undefined) {
    const texts = [
      actual.details,
      ...(actual.perCall ?? []).filter((c) => c.valid === want).map((c) => c.message),
    ];
    const hit = texts.some((t) =>
      typeof e.matching === 'string' ? t.includes(e.matching) : e.matching!.test(t),
    );
    if (!hit) return `no detail matches ${String(e.matching)}`;
  }
  return undefined;
}
