// defineScenario: turns a scenario literal into a validated Scenario, naming the bad field on error.
import type { z } from 'zod';
import { CONFERENCE_ROOM_COUNT } from '../calls/conference-room.js';
import { ScenarioConfigError } from '../common/errors.js';
import { type Scenario, type ScenarioInput, ScenarioSchema } from './scenario-schema.js';

/** Formats zod issues as `field.path: problem` lines. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/** Validates a scenario value; `source` names where it came from (a file path) for the error. */
export function parseScenario(value: unknown, source = '<scenario>'): Scenario {
  const parsed = ScenarioSchema.safeParse(value);
  if (!parsed.success) throw new ScenarioConfigError(source, describeIssues(parsed.error.issues));
  checkStepsAgainstTopology(parsed.data, source);
  return parsed.data;
}

/** Declares a scenario in a scenario file: validated at load time. */
export function defineScenario(input: ScenarioInput): Scenario {
  return parseScenario(input, `scenario ${String((input as { name?: unknown }).name ?? '?')}`);
}

function checkStepsAgainstTopology(s: Scenario, source: string): void {
  s.steps.forEach((step, i) => {
    if (step.step === 'fault' && Array.isArray(step.target)) {
      const known = nodeNames(s);
      const unknown = step.target.filter((t) => !known.includes(t));
      if (unknown.length)
        throw new ScenarioConfigError(
          source,
          `steps.${i}.target: unknown host ${unknown.join(', ')} (known: ${known.join(', ')})`,
        );
    }
    if (step.step === 'fault' && step.fault === 'loss' && step.probability === undefined)
      throw new ScenarioConfigError(source, `steps.${i}.probability: required for a loss fault`);
    if (step.step === 'fault' && step.fault === 'delay' && step.delayMs === undefined)
      throw new ScenarioConfigError(source, `steps.${i}.delayMs: required for a delay fault`);
    if (step.step === 'failover' && step.splitUnits && step.action !== 'migrate')
      throw new ScenarioConfigError(source, `steps.${i}.splitUnits: only with action 'migrate'`);
    if (step.step === 'failover' && step.splitUnits && s.topology.freeswitchNodes < 3)
      throw new ScenarioConfigError(
        source,
        `steps.${i}.splitUnits: a split needs two survivors, so at least 3 nodes (has ${s.topology.freeswitchNodes})`,
      );
  });
  const rooms = roomsNeeded(s);
  if (rooms > CONFERENCE_ROOM_COUNT)
    throw new ScenarioConfigError(
      source,
      `calls: up to ${rooms} conference rooms, but the lab dialplan has ${CONFERENCE_ROOM_COUNT} (fewer calls or a larger calls.conferenceSize)`,
    );
  if (s.topology.kind === 'keepalived' && s.topology.freeswitchNodes !== 2)
    throw new ScenarioConfigError(
      source,
      'topology.freeswitchNodes: the keepalived topology has exactly 2 nodes',
    );
  if (s.topology.kind === 'single' && s.topology.freeswitchNodes !== 1)
    throw new ScenarioConfigError(source, 'topology.freeswitchNodes: the single topology has exactly 1 node');
}

/** The most conference rooms the steps may fill: each conference pick fills a room of calls.conferenceSize. */
function roomsNeeded(s: Scenario): number {
  const { kind, conferenceSize, count } = s.calls;
  if (typeof kind === 'string' ? kind !== 'conference' : !(kind.conference ?? 0)) return 0;
  return s.steps.reduce((n, st) => {
    const calls =
      st.step === 'place-calls'
        ? (st.count ?? count)
        : st.step === 'place-calls-during-failover'
          ? st.count
          : 0;
    return n + Math.ceil(calls / conferenceSize);
  }, 0);
}

/** The FreeSWITCH node names of a topology: fs1, fs2, … */
export function nodeNames(s: Pick<Scenario, 'topology'>): string[] {
  return Array.from({ length: s.topology.freeswitchNodes }, (_, i) => `fs${i + 1}`);
}
