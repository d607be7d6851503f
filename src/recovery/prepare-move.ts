// Turns a plan into per-target batches of rewritten, verified legs for zerodrop.move_units. Pure.
import { errorMessage, RecoveryRowError } from '../common/errors.js';
import { assignMediaPorts } from './assign-media-ports.js';
import type { MigrationUnit } from './migration-unit.js';
import type { NodeHost } from './node-host.js';
import type { MigrationPlan } from './plan-migration.js';
import type { RecoveryRow } from './recovery-row.js';
import type { MoveLeg } from './recovery-store.js';
import { rewriteRecipe } from './rewrite-recipe.js';
import { rewriteRecoveryRow } from './rewrite-recovery-row.js';

/** One unit ready to move: its legs rewritten for the target, and the media port each leg gets there. */
export interface UnitBatch {
  unit: MigrationUnit;
  legs: MoveLeg[];
  ports: ReadonlyMap<string, number>;
}

/** A unit that cannot move, and why (the row stays where it is). */
export interface SkippedUnit {
  unit: MigrationUnit;
  target: string;
  uuid: string;
  problem: string;
}

/** Input of prepareMove. */
export interface PrepareMoveInput {
  plan: MigrationPlan;
  /** The source node's rows (as read, with versions). */
  rows: readonly RecoveryRow[];
  source: NodeHost;
  targets: readonly NodeHost[];
  /** Local media ports already in use on each target. */
  occupiedPorts: ReadonlyMap<string, readonly number[]>;
}

/** Rewrites every planned unit for its target; a unit with any unrewritable leg is skipped whole. */
export function prepareMove(input: PrepareMoveInput): {
  batches: Map<string, UnitBatch[]>;
  skipped: SkippedUnit[];
} {
  const rowByUuid = new Map(input.rows.map((r) => [r.uuid, r]));
  const batches = new Map<string, UnitBatch[]>();
  const skipped: SkippedUnit[] = [];
  for (const target of input.targets) {
    const mine = input.plan.assignments.filter((a) => a.target === target.node).map((a) => a.unit);
    const ports = assignMediaPorts(
      mine.flatMap((u) => u.legs.map((l) => ({ uuid: l.uuid, port: l.localMediaPort }))),
      input.occupiedPorts.get(target.node) ?? [],
      input.source,
    );
    const batch: UnitBatch[] = [];
    for (const unit of mine) {
      try {
        const unitPorts = new Map<string, number>();
        const legs = unit.legs.map((leg): MoveLeg => {
          const port = ports.get(leg.uuid);
          if (port === undefined)
            throw new RecoveryRowError(leg.uuid, `no free media port for it on ${target.node}`);
          unitPorts.set(leg.uuid, port);
          const row = rowByUuid.get(leg.uuid);
          if (!row) throw new RecoveryRowError(leg.uuid, 'no row read for this leg');
          const opts = { from: input.source, to: target, mediaPort: port };
          const out = rewriteRecoveryRow(row, leg, opts);
          const moveLeg: MoveLeg = {
            to: target.node,
            unit: unit.id,
            uuid: leg.uuid,
            version: row.version,
            partner: leg.partnerUuid,
            metadata: out.metadata,
          };
          // a recipe only holds for the row version it was made from: without a version, ship the XML
          const recipe =
            row.version !== undefined ? rewriteRecipe(row.metadata, out.metadata, leg, opts) : undefined;
          if (recipe !== undefined) moveLeg.recipe = recipe;
          return moveLeg;
        });
        batch.push({ unit, legs, ports: unitPorts });
      } catch (e) {
        const uuid = e instanceof RecoveryRowError ? e.uuid : unit.id;
        const problem = e instanceof RecoveryRowError ? e.problem : errorMessage(e);
        skipped.push({ unit, target: target.node, uuid, problem });
      }
    }
    batches.set(target.node, batch);
  }
  return { batches, skipped };
}

/** local_media_port of every row: a cheap scan, these rows are not moved so they need no full parse. */
export function occupiedMediaPorts(rows: readonly RecoveryRow[]): number[] {
  const out: number[] = [];
  for (const r of rows) {
    const m = /<local_media_port>(\d{1,5})<\/local_media_port>/.exec(r.metadata);
    if (m) out.push(Number(m[1]));
  }
  return out;
}
