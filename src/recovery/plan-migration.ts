// A migration plan: which node each unit of a source node goes to. A pure value, deterministic.
import { ScenarioConfigError } from '../common/errors.js';
import { groupMigrationUnits, type MigrationUnit } from './migration-unit.js';
import type { RecoveryLeg } from './recovery-leg.js';

/** One unit and the node it goes to. */
export interface UnitAssignment {
  unit: MigrationUnit;
  target: string;
}

/** Units of one source node mapped onto targets. */
export interface MigrationPlan {
  from: string;
  assignments: readonly UnitAssignment[];
  /** Legs each target receives (every target listed, 0 included). */
  legsByTarget: Readonly<Record<string, number>>;
}

/** Input of planMigration. */
export interface PlanInput {
  /** Legs (or already grouped units) on the source node. */
  legs?: readonly RecoveryLeg[];
  units?: readonly MigrationUnit[];
  from: string;
  /** One target, or several to spread over by load. */
  to: string | readonly string[];
  /** Legs each target already carries (default 0). */
  loads?: Readonly<Record<string, number>>;
}

/**
 * Assigns every unit to one target: with one target all go there; with several, largest units first,
 * each to the target with the fewest legs (existing load plus assigned), ties by node id.
 */
export function planMigration(input: PlanInput): MigrationPlan {
  const targets = [...new Set(typeof input.to === 'string' ? [input.to] : input.to)].sort();
  if (targets.length === 0) throw new ScenarioConfigError('migrate.to', 'no target node to move calls to');
  if (targets.includes(input.from))
    throw new ScenarioConfigError('migrate.to', `target list includes the source node ${input.from}`);
  const units = input.units ?? groupMigrationUnits(input.legs ?? []);
  const load = new Map(targets.map((t) => [t, input.loads?.[t] ?? 0]));
  const received = new Map(targets.map((t) => [t, 0]));
  const order = [...units].sort(
    (a, b) => b.legs.length - a.legs.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const assignments: UnitAssignment[] = [];
  for (const unit of order) {
    let best = targets[0]!;
    for (const t of targets) if (load.get(t)! < load.get(best)!) best = t;
    load.set(best, load.get(best)! + unit.legs.length);
    received.set(best, received.get(best)! + unit.legs.length);
    assignments.push({ unit, target: best });
  }
  assignments.sort((a, b) => (a.unit.id < b.unit.id ? -1 : a.unit.id > b.unit.id ? 1 : 0));
  return { from: input.from, assignments, legsByTarget: Object.fromEntries(received) };
}
