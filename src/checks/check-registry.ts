// The check registry: every invariant zerodrop knows, by the name scenarios use.
import { ScenarioConfigError } from '../common/errors.js';
import type { Check } from './check.js';
import { type Expectation, expectFailure } from './expect-failure.js';
import { mediaResumes } from './media-resumes.js';
import { newCallsSucceed } from './new-calls-succeed.js';
import { noCrossedMedia } from './no-crossed-media.js';
import { noDrop } from './no-drop.js';
import { recoveryRows } from './recovery-rows.js';
import { singleOwner } from './single-owner.js';

/** Checks by name, in the order reports list them. */
export const checkRegistry = {
  'media-resumes': mediaResumes,
  'no-drop': noDrop,
  'no-crossed-media': noCrossedMedia,
  'recovery-rows': recoveryRows,
  'new-calls-succeed': newCallsSucceed,
  'single-owner': singleOwner,
} as const satisfies Record<string, Check>;

export type CheckName = keyof typeof checkRegistry;

/** Every check name, for scenario validation (zod enum) and help texts. */
export const CHECK_NAMES = Object.keys(checkRegistry) as CheckName[];

/** The checks a scenario asked for, with its predicted failures wrapped; unknown names are a config error. */
export function selectChecks(
  names: readonly string[],
  expected: Readonly<Record<string, Expectation>> = {},
  where = 'scenario.checks',
): Record<string, Check> {
  const out: Record<string, Check> = {};
  for (const n of [...names, ...Object.keys(expected).filter((k) => !names.includes(k))]) {
    if (!(n in checkRegistry)) {
      throw new ScenarioConfigError(where, `unknown check "${n}"; known: ${CHECK_NAMES.join(', ')}`);
    }
    const check = checkRegistry[n as CheckName];
    const e = expected[n];
    out[n] = e ? expectFailure(n, check, e) : check;
  }
  return out;
}
