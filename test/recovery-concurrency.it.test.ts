// Concurrent moves and connections killed mid-move never lose, duplicate or split a unit.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateCalls } from '../src/recovery/migrate-calls.js';
import { groupMigrationUnits } from '../src/recovery/migration-unit.js';
import { parseRecoveryRows } from '../src/recovery/parse-recovery-row.js';
import { planMigration } from '../src/recovery/plan-migration.js';
import { prepareMove } from '../src/recovery/prepare-move.js';
import type { RecoveryRow } from '../src/recovery/recovery-row.js';
import { type MoveLeg, RecoveryStore } from '../src/recovery/recovery-store.js';
import { renderPostgresInit } from '../src/recovery/render-postgres-init.js';
import { type HostPostgres, startHostPostgres } from './support/host-postgres.js';
import {
  fixtureHosts,
  fixtureRows,
  insertRows,
  synthesizeRows,
  withClient,
} from './support/recovery-fixtures.js';

const C = { ...fixtureHosts()[1]!, node: 'c', switchname: 'fs-c', sipIp: '127.0.0.4', mediaIp: '127.0.0.4' };
const HOSTS = fixtureHosts([{ ...C, rtpPortMin: 50_000, rtpPortMax: 59_999 }]);
const template = fixtureRows('exp2-recovery-before-fs_a.tsv');

let pgHost: HostPostgres;
let n = 0;
beforeAll(async () => {
  pgHost = await startHostPostgres();
});
afterAll(async () => {
  await pgHost?.stop();
});

async function freshDb(rows: readonly RecoveryRow[]): Promise<string> {
  const db = await pgHost.createDatabase(`conc_${++n}`);
  await pgHost.exec(renderPostgresInit({ nodes: HOSTS, layout: 'per-node' }).sql, db);
  await withClient(pgHost.config('postgres', db), (c) => insertRows(c, 'fs_a', rows));
  return db;
}

/** uuid -> schemas holding it (superuser view of all three node tables). */
async function whereIs(db: string): Promise<Map<string, string[]>> {
  return withClient(pgHost.config('postgres', db), async (c) => {
    const r = await c.query<{ uuid: string; s: string }>(
      `SELECT uuid, 'a' AS s FROM fs_a.recovery UNION ALL SELECT uuid, 'b' FROM fs_b.recovery
       UNION ALL SELECT uuid, 'c' FROM fs_c.recovery`,
    );
    const out = new Map<string, string[]>();
    for (const x of r.rows) out.set(x.uuid, [...(out.get(x.uuid) ?? []), x.s]);
    return out;
  });
}

/** Every leg exactly once, and every unit wholly on one node. */
function expectWholeAndOnce(where: Map<string, string[]>, rows: readonly RecoveryRow[]): void {
  expect(where.size).toBe(rows.length);
  for (const r of rows) expect(where.get(r.uuid), r.uuid).toHaveLength(1);
  for (const unit of groupMigrationUnits(parseRecoveryRows(rows).legs))
    expect(new Set(unit.uuids.map((u) => where.get(u)![0])).size, unit.id).toBe(1);
}

describe('concurrent migrations (real PostgreSQL)', () => {
  it('8 parallel moves of the same node move each leg exactly once', async () => {
    const rows = synthesizeRows(template, 300);
    const db = await freshDb(rows);
    const stores = Array.from({ length: 8 }, () => RecoveryStore.connect(pgHost.config('zerodrop', db)));
    try {
      const reports = await Promise.all(stores.map((store) => migrateCalls({ store, from: 'a', to: 'b' })));
      const movedBy = new Map<string, number>();
      for (const r of reports)
        for (const c of r.calls)
          for (const l of c.legs ?? [])
            if (l.outcome === 'moved') movedBy.set(l.uuid, (movedBy.get(l.uuid) ?? 0) + 1);
      expect(movedBy.size).toBe(300);
      expect([...movedBy.values()].every((k) => k === 1)).toBe(true);
      expect(reports.reduce((s, r) => s + r.movedLegs, 0)).toBe(300);
      for (const r of reports)
        for (const c of r.calls) expect(['moved', 'already-moved']).toContain(c.status);
      const where = await whereIs(db);
      expectWholeAndOnce(where, rows);
      expect([...where.values()].every((s) => s[0] === 'b')).toBe(true);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('racing moves of one node to two targets put every unit on exactly one of them', async () => {
    const rows = synthesizeRows(template, 300);
    const db = await freshDb(rows);
    const stores = Array.from({ length: 6 }, () => RecoveryStore.connect(pgHost.config('zerodrop', db)));
    try {
      const reports = await Promise.all(
        stores.map((store, i) => migrateCalls({ store, from: 'a', to: i % 2 ? 'b' : 'c' })),
      );
      expect(reports.reduce((s, r) => s + r.movedLegs, 0)).toBe(300);
      const where = await whereIs(db);
      expectWholeAndOnce(where, rows);
      expect([...where.values()].some((s) => s[0] === 'a')).toBe(false);
      // a loser is told honestly that its legs went elsewhere
      for (const r of reports)
        for (const c of r.calls) expect(['moved', 'already-moved', 'failed']).toContain(c.status);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});

describe('connection killed mid-move (real PostgreSQL)', () => {
  it('loses, duplicates and splits nothing over 50 trials, and a retry completes the move', {
    timeout: 900_000,
  }, async () => {
    const rows = synthesizeRows(template, 200);
    const db = await freshDb(rows);
    const super_ = new pg.Client(pgHost.config('postgres', db));
    await super_.connect();
    // the rewritten legs, prepared once (with recipes, made for a placeholder version); every trial
    // re-inserts the rows, so even trials ship the rewritten XML (no version), odd ones the recipes,
    // for the row versions of that trial
    const hosts = HOSTS;
    const plan = planMigration({ legs: parseRecoveryRows(rows).legs, from: 'a', to: 'b' });
    const { batches } = prepareMove({
      plan,
      rows: rows.map((r) => ({ ...r, version: 'any' })),
      source: hosts[0]!,
      targets: [hosts[1]!],
      occupiedPorts: new Map(),
    });
    const prepared: MoveLeg[] = batches.get('b')!.flatMap((b) => b.legs);
    expect(prepared).toHaveLength(200);
    expect(prepared.every((l) => l.recipe !== undefined)).toBe(true);
    let legs: MoveLeg[] = [];
    const chooseLegs = async (trial: number) => {
      if (trial % 2 === 0) {
        legs = prepared.map((l) => ({ ...l, version: undefined }));
        return;
      }
      const v = await super_.query<{ uuid: string; v: string }>(
        'SELECT uuid, xmin::text AS v FROM fs_a.recovery',
      );
      const version = new Map(v.rows.map((x) => [x.uuid, x.v]));
      legs = prepared.map((l) => ({ ...l, version: version.get(l.uuid) }));
    };
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    const original = new Map(rows.map((r) => [r.uuid, md5(r.metadata)]));
    const rewritten = new Map(prepared.map((l) => [l.uuid, md5(l.metadata)]));

    const reset = async () => {
      await super_.query('TRUNCATE fs_a.recovery, fs_b.recovery');
      await insertRows(super_, 'fs_a', rows);
    };
    const oneMove = async (killAfterMs: number | undefined) => {
      const pool = new pg.Pool({ ...pgHost.config('zerodrop', db), max: 1 });
      pool.on('error', () => undefined);
      const store = new RecoveryStore(pool);
      try {
        const pid = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
        const t0 = performance.now();
        const moving = store.moveUnits('a', legs).then(
          () => 'done' as const,
          () => 'killed' as const,
        );
        if (killAfterMs !== undefined) {
          // wait until the server is executing the move, then kill it after a random delay
          for (let i = 0; i < 5000; i++) {
            const r = await super_.query(
              "SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND query LIKE '%move_units%' AND state = 'active'",
              [pid],
            );
            if (r.rowCount) break;
          }
          await new Promise((res) => setTimeout(res, killAfterMs));
          await super_.query('SELECT pg_terminate_backend($1)', [pid]);
        }
        const outcome = await moving;
        return { outcome, ms: performance.now() - t0 };
      } finally {
        await pool.end().catch(() => undefined);
      }
    };

    await reset();
    await chooseLegs(1); // the faster path: kills land in both
    const calibration = await oneMove(undefined);
    expect(calibration.outcome).toBe('done');
    let killedMidMove = 0;
    let killedRecipe = 0;
    for (let trial = 0; trial < 50; trial++) {
      await reset();
      await chooseLegs(trial);
      const { outcome } = await oneMove(Math.random() * calibration.ms * 0.8);
      const where = await whereIs(db);
      expectWholeAndOnce(where, rows);
      // the move is one transaction: all legs on a (untouched) or all on b (rewritten), never a mix
      const sides = new Set([...where.values()].map((s) => s[0]));
      expect(sides.size, `trial ${trial}`).toBe(1);
      const side = [...sides][0];
      const check = await withClient(pgHost.config('postgres', db), (c) =>
        c.query<{ uuid: string; md5: string }>(`SELECT uuid, md5(metadata) AS md5 FROM fs_${side}.recovery`),
      );
      const expected = side === 'a' ? original : rewritten;
      for (const r of check.rows) expect(r.md5, `trial ${trial} ${r.uuid}`).toBe(expected.get(r.uuid));
      if (outcome === 'killed' && side === 'a') killedMidMove++;
      if (outcome === 'killed' && side === 'a' && trial % 2 === 1) killedRecipe++;
      if (outcome === 'done') expect(side).toBe('b');
      // retry with a fresh connection finishes the job exactly once
      const store = RecoveryStore.connect(pgHost.config('zerodrop', db));
      try {
        const retry = await store.moveUnits('a', legs);
        expect(retry.every((o) => o.outcome === (side === 'a' ? 'moved' : 'already'))).toBe(true);
      } finally {
        await store.close();
      }
      const after = await whereIs(db);
      expectWholeAndOnce(after, rows);
      expect([...after.values()].every((s) => s[0] === 'b')).toBe(true);
    }
    await super_.end();
    console.log(
      `kill trials: ${killedMidMove}/50 killed inside the move transaction (${killedRecipe} of them with recipes; move ~${Math.round(calibration.ms)} ms)`,
    );
    // the kills must really have landed inside the transaction, not only before or after it
    expect(killedMidMove).toBeGreaterThanOrEqual(10);
    expect(killedRecipe).toBeGreaterThanOrEqual(3);
  });
});
