// `zerodrop migrate`: move a node's calls (whole units) to one node or spread over several, and report per call.
import { type Clock, systemClock } from '../common/clock.js';
import { errorMessage, ScenarioConfigError } from '../common/errors.js';
import type { LegCache } from './leg-cache.js';
import { groupMigrationUnits, type MigrationUnit } from './migration-unit.js';
import type { NodeHost } from './node-host.js';
import { parseRecoveryRows } from './parse-recovery-row.js';
import { type MigrationPlan, planMigration } from './plan-migration.js';
import { occupiedMediaPorts, prepareMove } from './prepare-move.js';
import type { RecoveryRow } from './recovery-row.js';
import type { LegOutcome, RecoveryStore } from './recovery-store.js';

/** Options of migrateCalls. Fencing the source and `fsctl recover` on targets are the caller's job. */
export interface MigrateOptions {
  store: RecoveryStore;
  from: string;
  /** One target node. */
  to?: string;
  /** Spread over every other node that is 'up' (true), or over these nodes. */
  spread?: boolean | readonly string[];
  /** Only the units holding these legs (channel uuid or SIP Call-ID); default every unit. */
  callUuids?: readonly string[];
  /** Plan and rewrite, but change nothing. */
  dryRun?: boolean;
  /** Reuse legs parsed earlier (e.g. by a controller watching healthy nodes). */
  legCache?: LegCache;
  clock?: Clock;
}

/** What happened to one unit (one call, or one conference). */
export type CallStatus = 'planned' | 'moved' | 'already-moved' | 'skipped' | 'failed';

/** Per-call result. */
export interface CallMigration {
  unitId: string;
  kind: MigrationUnit['kind'];
  uuids: readonly string[];
  callIds: readonly string[];
  target: string | undefined;
  status: CallStatus;
  reason?: string;
  /** Bridge partners named by a leg but absent from the source (row never written): recovery may be one-sided. */
  missingPartners?: readonly string[];
  /** Leg outcomes from the database (absent for dry runs and skipped units). */
  legs?: readonly { uuid: string; outcome: LegOutcome; mediaPort: number | undefined }[];
}

/** The whole migration, for the CLI and the history. */
export interface MigrationReport {
  from: string;
  dryRun: boolean;
  plan: MigrationPlan;
  calls: CallMigration[];
  malformed: { uuid: string; problem: string }[];
  /** Requested uuids/Call-IDs that match no leg of the source. */
  notFound: string[];
  movedLegs: number;
  timingsMs: { read: number; parse: number; plan: number; rewrite: number; move: number };
}

/** Plans, rewrites and moves the source's units, to every target in one database transaction. */
export async function migrateCalls(opts: MigrateOptions): Promise<MigrationReport> {
  const clock = opts.clock ?? systemClock;
  const { store, from } = opts;
  let t = clock.nowMs();
  const lap = () => {
    const now = clock.nowMs();
    const d = now - t;
    t = now;
    return d;
  };
  const hosts = await store.listHosts();
  const source = hosts.find((h) => h.node === from) ?? badOption('from', `unknown node ${from}`);
  const targets = chooseTargets(hosts, from, opts);
  const rows = await store.listRows(from);
  const targetRows = new Map<string, RecoveryRow[]>();
  for (const tg of targets) targetRows.set(tg.node, await store.listRows(tg.node));
  const read = lap();

  const { legs, errors } = opts.legCache ? opts.legCache.parse(rows) : parseRecoveryRows(rows);
  const parse = lap();

  const malformed = errors.map((e) => ({ uuid: e.uuid, problem: e.problem }));
  const badUuids = new Set(errors.map((e) => e.uuid));
  const calls: CallMigration[] = [];
  const report = (unit: MigrationUnit, target: string | undefined, status: CallStatus, reason?: string) => {
    const callIds = unit.legs.map((l) => l.callId);
    const c: CallMigration = { unitId: unit.id, kind: unit.kind, uuids: unit.uuids, callIds, target, status };
    if (reason !== undefined) c.reason = reason;
    if (unit.missingPartners.length) c.missingPartners = unit.missingPartners;
    calls.push(c);
    return c;
  };
  let units = groupMigrationUnits(legs);
  const notFound: string[] = [];
  if (opts.callUuids !== undefined) {
    const wanted = new Set(opts.callUuids);
    const hit = new Set<string>();
    units = units.filter((u) =>
      u.legs.some((l) => {
        const m = wanted.has(l.uuid) ? l.uuid : wanted.has(l.callId) ? l.callId : undefined;
        if (m !== undefined) hit.add(m);
        return m !== undefined;
      }),
    );
    notFound.push(...opts.callUuids.filter((u) => !hit.has(u)));
  }
  const movable = units.filter((u) => {
    const bad = u.missingPartners.filter((p) => badUuids.has(p));
    if (bad.length) report(u, undefined, 'skipped', `bridge partner row(s) ${bad.join(', ')} malformed`);
    return bad.length === 0;
  });
  const plan = planMigration({
    units: movable,
    from,
    to: targets.map((h) => h.node),
    loads: Object.fromEntries([...targetRows].map(([n, r]) => [n, r.length])),
  });
  const planMs = lap();

  const { batches, skipped } = prepareMove({
    plan,
    rows,
    source,
    targets,
    occupiedPorts: new Map([...targetRows].map(([n, r]) => [n, occupiedMediaPorts(r)])),
  });
  for (const s of skipped) {
    malformed.push({ uuid: s.uuid, problem: s.problem });
    report(s.unit, s.target, 'skipped', `row ${s.uuid}: ${s.problem}`);
  }
  const rewrite = lap();

  let movedLegs = 0;
  const all = [...batches].flatMap(([target, batch]) => batch.map((b) => ({ target, b })));
  if (opts.dryRun) for (const { target, b } of all) report(b.unit, target, 'planned');
  else if (all.length > 0) {
    try {
      // every target in one transaction: a spread moves all of its units or, on a lost connection, none
      const outcomes = await store.moveUnits(
        from,
        all.flatMap(({ b }) => b.legs),
      );
      const byUuid = new Map(outcomes.map((o) => [o.uuid, o.outcome]));
      for (const { target, b } of all) {
        const legOutcomes = b.unit.uuids.map((uuid) => ({
          uuid,
          outcome: byUuid.get(uuid) ?? ('missing' as const),
          mediaPort: b.ports.get(uuid),
        }));
        const every = (o: LegOutcome) => legOutcomes.every((l) => l.outcome === o);
        const status: CallStatus = every('moved') ? 'moved' : every('already') ? 'already-moved' : 'failed';
        if (status === 'moved') movedLegs += legOutcomes.length;
        const c = report(
          b.unit,
          target,
          status,
          status === 'failed' ? legOutcomes.map((l) => `${l.uuid}: ${l.outcome}`).join(', ') : undefined,
        );
        c.legs = legOutcomes;
      }
    } catch (e) {
      for (const { target, b } of all)
        report(
          b.unit,
          target,
          'failed',
          `move did not report back (${errorMessage(e)}); it committed or rolled back as a whole: run again to settle`,
        );
    }
  }
  const move = lap();
  calls.sort((a, b) => (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0));
  return {
    from,
    dryRun: opts.dryRun ?? false,
    plan,
    calls,
    malformed,
    notFound,
    movedLegs,
    timingsMs: { read, parse, plan: planMs, rewrite, move },
  };
}

function chooseTargets(hosts: readonly NodeHost[], from: string, opts: MigrateOptions): NodeHost[] {
  if ((opts.to === undefined) === (opts.spread === undefined || opts.spread === false))
    badOption('to', 'give exactly one of --to NODE or --spread');
  const named = opts.to !== undefined ? [opts.to] : Array.isArray(opts.spread) ? opts.spread : undefined;
  const chosen = named
    ? named.map((n) => hosts.find((h) => h.node === n) ?? badOption('to', `unknown node ${n}`))
    : hosts.filter((h) => h.node !== from && h.state === 'up');
  for (const h of chosen) {
    if (h.node === from) badOption('to', `target ${h.node} is the source node`);
    if (h.state !== 'up') badOption('to', `target ${h.node} is ${h.state}, not up`);
  }
  if (chosen.length === 0) badOption('spread', `no other node is up to take ${from}'s calls`);
  return chosen;
}

function badOption(option: string, problem: string): never {
  throw new ScenarioConfigError(`migrate.${option}`, problem);
}
