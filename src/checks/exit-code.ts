// Exit codes of a run: 0 every check valid, 1 a check invalid, 2 a check could not decide.
import { type CheckResult, overallValidity, type Validity } from './check.js';

/** 0 valid, 1 invalid, 2 unknown (an invalid check outranks an unknown one). */
export function exitCodeFor(v: Validity): 0 | 1 | 2 {
  return v === true ? 0 : v === false ? 1 : 2;
}

/** The process exit code for a set of check results (no results at all is unknown, not a pass). */
export function exitCode(results: readonly CheckResult[]): 0 | 1 | 2 {
  if (results.length === 0) return 2;
  return exitCodeFor(overallValidity(results));
}
