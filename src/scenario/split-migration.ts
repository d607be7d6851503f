// A deliberately split migration: half of every bridge and conference to one node, the rest to another. The hazard
// migration units exist to prevent, done by hand so a demonstration scenario can show the checks catch it.
import { ScenarioConfigError } from '../common/errors.js';
import { EventKind } from '../common/event-kinds.js';
import { groupMigrationUnits, type MigrationUnit } from '../recovery/migration-unit.js';
import { parseRecoveryRows } from '../recovery/parse-recovery-row.js';
import type { MigrationPlan, UnitAssignment } from '../recovery/plan-migration.js';
import { occupiedMediaPorts, prepareMove } from '../recovery/prepare-move.js';
import type { RecoveryStore } from '../recovery/recovery-store.js';
import { recoverOn } from './node-control.js';
import type { RunContext } from './run-context.js';

/** What the split move did: legs moved per target, units cut in two, legs that would not move. */
export interface SplitMove {
  movedByTarget: Record<string, number>;
  splitUnits: number;
  refused: string[];
}

/**
 * Plans the split: a unit of two or more legs is cut in half (first half, by uuid, to `a`, the rest to `b`);
 * lone legs alternate between the two. Pure.
 */
export function splitPlan(
  units: readonly MigrationUnit[],
  from: string,
  a: string,
  b: string,
): MigrationPlan {
  const assignments: UnitAssignment[] = [];
  let lone = 0;
  const half = (u: MigrationUnit, legs: MigrationUnit['legs'], tag: string): MigrationUnit => ({
    ...u,
    id: `${u.id}/${tag}`,
    legs,
    uuids: legs.map((l) => l.uuid),
    missingPartners: [],
  });
  for (const u of units) {
    if (u.legs.length < 2) {
      assignments.push({ unit: u, target: lone++ % 2 === 0 ? a : b });
      continue;
    }
    const cut = Math.ceil(u.legs.length / 2);
    assignments.push({ unit: half(u, u.legs.slice(0, cut), 'a'), target: a });
    assignments.push({ unit: half(u, u.legs.slice(cut), 'b'), target: b });
  }
  const legsByTarget: Record<string, number> = { [a]: 0, [b]: 0 };
  for (const x of assignments) legsByTarget[x.target] = (legsByTarget[x.target] ?? 0) + x.unit.legs.length;
  return { from, assignments, legsByTarget };
}

/** Moves `from`'s rows split over a and b (the source must be fenced); recover on both targets is the caller's. */
export async function splitMigration(
  store: RecoveryStore,
  from: string,
  a: string,
  b: string,
): Promise<SplitMove> {
  const hosts = await store.listHosts();
  const host = (n: string) => {
    const h = hosts.find((x) => x.node === n);
    if (!h) throw new ScenarioConfigError('failover.splitUnits', `unknown node ${n}`);
    return h;
  };
  const rows = await store.listRows(from);
  const occupied = new Map<string, number[]>();
  for (const t of [a, b]) occupied.set(t, occupiedMediaPorts(await store.listRows(t)));
  const units = groupMigrationUnits(parseRecoveryRows(rows).legs);
  const plan = splitPlan(units, from, a, b);
  const { batches, skipped } = prepareMove({
    plan,
    rows,
    source: host(from),
    targets: [host(a), host(b)],
    occupiedPorts: occupied,
  });
  const out: SplitMove = {
    movedByTarget: {},
    splitUnits: units.filter((u) => u.legs.length > 1).length,
    refused: skipped.map((s) => `${s.uuid}: ${s.problem}`),
  };
  // no partner named: the database would rightly refuse to leave a bridge partner behind
  const legs = [...batches.values()]
    .flatMap((b) => b.flatMap((u) => u.legs))
    .map((l) => ({ ...l, partner: undefined }));
  const target = new Map(legs.map((l) => [l.uuid, l.to]));
  const outcomes = await store.moveUnits(from, legs);
  for (const t of batches.keys()) out.movedByTarget[t] = 0;
  for (const o of outcomes) {
    const t = target.get(o.uuid);
    if (o.outcome === 'moved' && t !== undefined) out.movedByTarget[t] = (out.movedByTarget[t] ?? 0) + 1;
    else out.refused.push(`${o.uuid}: ${o.outcome}`);
  }
  return out;
}

/** The scenario step: split each victim's units over the first two live survivors, then recover on both. */
export async function splitFailover(ctx: RunContext): Promise<void> {
  const emit = (type: 'invoke' | 'ok' | 'fail', kind: string, value: unknown) =>
    ctx.history.append({ timeMs: ctx.clock.nowMs(), process: 'controller', type, kind, value });
  for (const from of ctx.victims) {
    const live = ctx.lab.freeswitch
      .map((h) => h.name)
      .filter((n) => n !== from && !ctx.down.has(n))
      .sort();
    const [a, b] = live;
    if (a === undefined || b === undefined)
      throw new ScenarioConfigError(
        'failover.splitUnits',
        `needs two live nodes besides ${from}, has ${live.length}`,
      );
    emit('invoke', EventKind.migrate, { from, to: [a, b], split: true });
    const started = ctx.clock.nowMs();
    const move = await splitMigration(ctx.store, from, a, b);
    const ok = move.refused.length === 0;
    emit(ok ? 'ok' : 'fail', EventKind.migrate, {
      from,
      to: [a, b],
      split: true,
      ok,
      durationMs: ctx.clock.nowMs() - started,
      value: move.movedByTarget,
      splitUnits: move.splitUnits,
      ...(ok ? {} : { error: move.refused.join('; ') }),
    });
    ctx.progress(
      `  split ${move.splitUnits} unit(s) of ${from} over ${a} and ${b}: ${JSON.stringify(move.movedByTarget)}`,
    );
    // one recover per target, after the move committed
    await Promise.all(
      [a, b].map(async (node) => {
        emit('invoke', EventKind.recover, { node, command: 'fsctl recover' });
        const r = await recoverOn(ctx.esl.get(node)!);
        emit(r.ok ? 'ok' : 'fail', EventKind.recover, {
          node,
          command: 'fsctl recover',
          ...r,
          recovered: r.value ?? 0,
        });
      }),
    );
  }
}
