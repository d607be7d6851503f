// The checks a scenario is judged by: the ones it names, or the defaults, with its predicted failures wrapped.
import type { Check } from '../checks/check.js';
import { selectChecks } from '../checks/check-registry.js';
import type { Scenario } from './scenario-schema.js';

/** The default checks: every invariant that applies to the scenario's steps. */
export function defaultCheckNames(s: Scenario): string[] {
  const names = ['media-resumes', 'no-drop', 'no-crossed-media', 'recovery-rows'];
  if (s.steps.some((st) => st.step === 'place-calls-during-failover')) names.push('new-calls-succeed');
  return names;
}

/** The scenario's checks by name. */
export function scenarioChecks(s: Scenario): Record<string, Check> {
  return selectChecks(s.checks ?? defaultCheckNames(s), s.expectFailures, `scenario ${s.name}`);
}
