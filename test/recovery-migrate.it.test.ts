// Moving real FreeSWITCH recovery rows between per-node schemas in a real PostgreSQL 15.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../src/common/wait.js';
import { countIpOccurrences } from '../src/recovery/address-pattern.js';
import { listCalls } from '../src/recovery/list-calls.js';
import { migrateCalls } from '../src/recovery/migrate-calls.js';
import { groupMigrationUnits } from '../src/recovery/migration-unit.js';
import { RECIPE_SEPARATOR } from '../src/recovery/move-params.js';
import type { NodeHost } from '../src/recovery/node-host.js';
import { parseRecoveryRow, parseRecoveryRows } from '../src/recovery/parse-recovery-row.js';
import { planMigration } from '../src/recovery/plan-migration.js';
import { prepareMove } from '../src/recovery/prepare-move.js';
import type { RecoveryRow } from '../src/recovery/recovery-row.js';
import { type MoveLeg, RecoveryStore } from '../src/recovery/recovery-store.js';
import { renderPostgresInit } from '../src/recovery/render-postgres-init.js';
import { applyRecipe } from '../src/recovery/rewrite-recipe.js';
import { type HostPostgres, startHostPostgres } from './support/host-postgres.js';
import {
  fixtureHosts,
  fixtureRows,
  insertRows,
  REFERENCE_MOVES,
  SOURCE_DUMPS,
  tableRows,
  withClient,
} from './support/recovery-fixtures.js';

const C: NodeHost = {
  node: 'c',
  switchname: 'fs-c',
  sipIp: '127.0.0.4',
  mediaIp: '127.0.0.5',
  profile: 'internal',
  rtpPortMin: 50_000,
  rtpPortMax: 59_999,
  state: 'up',
};
// The dumps come from separate runs that reused media ports (16876, 16680); one node never would, so
// each dump after the first gets its ports shifted to keep them distinct, as on a real node.
const shiftPorts = (row: RecoveryRow, by: number): RecoveryRow => ({
  ...row,
  metadata: row.metadata
    .replace(/<local_media_port>(\d+)</, (_m, p: string) => `<local_media_port>${Number(p) + by}<`)
    .replace(/m%3Daudio%20(\d+)%20/, (_m, p: string) => `m%3Daudio%20${Number(p) + by}%20`),
});
const sourceRows = SOURCE_DUMPS.flatMap((d, i) => fixtureRows(d).map((r) => shiftPorts(r, 2000 * i)));
const bOwn = fixtureRows('exp2-recovery-before-fs_b.tsv');

let pgHost: HostPostgres;
let dbCount = 0;
beforeAll(async () => {
  pgHost = await startHostPostgres();
});
afterAll(async () => {
  await pgHost?.stop();
});

/** A fresh database, per-node layout, nodes a, b, c; a holds the fixture rows, b its own live call. */
async function freshStore(extraOnA: readonly RecoveryRow[] = [], onA: readonly RecoveryRow[] = sourceRows) {
  const db = await pgHost.createDatabase(`mig_${++dbCount}`);
  await pgHost.exec(renderPostgresInit({ nodes: fixtureHosts([C]), layout: 'per-node' }).sql, db);
  await withClient(pgHost.config('postgres', db), async (c) => {
    await insertRows(c, 'fs_a', [...onA, ...extraOnA]);
    await insertRows(c, 'fs_b', bOwn);
  });
  const store = RecoveryStore.connect(pgHost.config('zerodrop', db));
  return { db, store, rows: (schema: string) => tableRows(pgHost.config('postgres', db), schema) };
}

/** a's units, read (with versions), planned and rewritten for b, as migrateCalls would move them. */
async function preparedBatches(store: RecoveryStore) {
  const hosts = await store.listHosts();
  const [a, b] = [hosts.find((h) => h.node === 'a')!, hosts.find((h) => h.node === 'b')!];
  const read = await store.listRows('a');
  const plan = planMigration({ legs: parseRecoveryRows(read).legs, from: 'a', to: 'b' });
  return prepareMove({ plan, rows: read, source: a, targets: [b], occupiedPorts: new Map() }).batches;
}

describe('migrateCalls (per-node layout, real PostgreSQL)', () => {
  it('moves every fixture row to b, rewritten: no old address or switchname left, b’s own call untouched', async () => {
    const { store, rows } = await freshStore();
    try {
      const report = await migrateCalls({ store, from: 'a', to: 'b' });
      expect(report.malformed).toEqual([]);
      expect(report.movedLegs).toBe(18);
      expect(report.calls.every((c) => c.status === 'moved' && c.target === 'b')).toBe(true);
      expect(await rows('fs_a')).toEqual([]);
      const onB = await rows('fs_b');
      expect(onB).toHaveLength(19);
      const own = onB.find((r) => r.uuid === bOwn[0]!.uuid)!;
      expect(own).toEqual({ ...bOwn[0]!, version: undefined, ...own }); // same row
      expect(own.metadata).toBe(bOwn[0]!.metadata);
      for (const r of onB.filter((x) => x.uuid !== own.uuid)) {
        expect(countIpOccurrences(r.metadata, '127.0.0.2')).toBe(0);
        expect(r.metadata).not.toContain('switchname="fs-a"');
        expect(r.hostname).toBe('fs-b');
        expect(parseRecoveryRow(r).localMediaIp).toBe('127.0.0.3');
      }
    } finally {
      await store.close();
    }
  });

  it('writes byte for byte the rows the verified reference move produced on real FreeSWITCH', async () => {
    for (const { before, after } of REFERENCE_MOVES) {
      const { store, rows } = await freshStore([], fixtureRows(before));
      try {
        const report = await migrateCalls({ store, from: 'a', to: 'b' });
        expect(report.movedLegs).toBe(6);
        const onB = new Map((await rows('fs_b')).map((r) => [r.uuid, r]));
        for (const ref of fixtureRows(after)) {
          const got = onB.get(ref.uuid)!;
          expect(got.metadata).toBe(ref.metadata);
          expect([got.runtimeUuid, got.hostname, got.profileName]).toEqual([
            ref.runtimeUuid,
            ref.hostname,
            ref.profileName,
          ]);
        }
      } finally {
        await store.close();
      }
    }
  });

  it('is idempotent: replaying the same move moves nothing and says the legs are already there', async () => {
    const { store, rows } = await freshStore();
    try {
      const batches = await preparedBatches(store);
      const legs = batches.get('b')!.flatMap((x) => x.legs);
      const first = await store.moveUnits('a', legs);
      const second = await store.moveUnits('a', legs);
      expect(first.map((o) => o.outcome)).toEqual(Array(18).fill('moved'));
      expect(second.map((o) => o.outcome)).toEqual(Array(18).fill('already'));
      expect(await rows('fs_b')).toHaveLength(19);
      expect(await rows('fs_a')).toHaveLength(0);
    } finally {
      await store.close();
    }
  });

  it('ships recipes, not XML: the database rewrites its own row byte for byte as the verified rewrite', async () => {
    const { store, rows, db } = await freshStore();
    try {
      const batches = await preparedBatches(store);
      const legs = batches.get('b')!.flatMap((x) => x.legs);
      expect(legs.every((l) => l.recipe !== undefined && l.version !== undefined)).toBe(true);
      // the XML the store would ship is garbage here: only the recipe can produce the right rows
      const out = await store.moveUnits(
        'a',
        legs.map((l) => ({ ...l, metadata: '<not-shipped/>' })),
      );
      expect(out.map((o) => o.outcome)).toEqual(Array(18).fill('moved'));
      const onB = new Map((await rows('fs_b')).map((r) => [r.uuid, r]));
      for (const l of legs) expect(onB.get(l.uuid)?.metadata, l.uuid).toBe(l.metadata);
      // every moved row stays whole in its page: nothing (not even a uuid) pushed out to TOAST
      await withClient(pgHost.config('postgres', db), async (c) => {
        const t = await c.query<{ t: string }>(
          "SELECT reltoastrelid::regclass::text AS t FROM pg_class WHERE oid = 'fs_b.recovery'::regclass",
        );
        const n = await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${t.rows[0]!.t}`);
        expect(n.rows[0]!.n).toBe('0');
      });
      await withClient(pgHost.config('zerodrop', db), async (c) => {
        // PostgreSQL's replace() and applyRecipe agree on overlaps, chains and '$'
        for (const [text, recipe] of [
          ['aaa', [['aa', 'b']]],
          [
            'x1y1',
            [
              ['1', '2'],
              ['2', '3'],
            ],
          ],
          ['$&', [['$&', '$$']]],
        ] as const) {
          // the chain move_units builds (here for two pairs)
          const r = await c.query<{ m: string }>(
            `SELECT replace(replace($1, coalesce(r[1], ''), coalesce(r[2], '')), coalesce(r[3], ''),
                            coalesce(r[4], '')) AS m FROM string_to_array($2, chr(31)) AS r`,
            [text, recipe.flat().join(RECIPE_SEPARATOR)],
          );
          expect(r.rows[0]!.m).toBe(applyRecipe(text, recipe));
        }
        // one leg of unit 'u', no partner, a recipe by number and the recipes shipped
        const moveOne = (version: string, recipe: string, recipes: string) =>
          c.query("SELECT * FROM zerodrop.move_units('a', 'b', 'u', $1, $2, '', '', $3, $4)", [
            legs[0]!.uuid,
            version,
            recipe,
            recipes,
          ]);
        const itsRecipe = legs[0]!.recipe!.flat().join(RECIPE_SEPARATOR);
        // a recipe without the row version it was made for is refused
        await expect(moveOne('', '1', itsRecipe)).rejects.toThrow(/a recipe a version/);
        // nor a leg naming a recipe that was not shipped
        for (const number of ['2', '0', 'x'])
          await expect(moveOne(legs[0]!.version!, number, itsRecipe)).rejects.toThrow(
            /names a recipe that p_recipes does not hold/,
          );
        // nor a recipe that is not a list of pairs
        await expect(moveOne(legs[0]!.version!, '1', '127.0.0.2')).rejects.toThrow(
          /not a list of \(old, new\) pairs/,
        );
      });
    } finally {
      await store.close();
    }
  });

  it('changes nothing on a dry run, but reports the plan', async () => {
    const { store, rows } = await freshStore();
    try {
      const before = await rows('fs_a');
      const report = await migrateCalls({ store, from: 'a', to: 'b', dryRun: true });
      expect(report.calls.map((c) => c.status)).toEqual(Array(12).fill('planned'));
      expect(await rows('fs_a')).toEqual(before);
      expect(await rows('fs_b')).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('moves only the chosen calls, always with their bridge partner, and names unknown ones', async () => {
    const { store, rows } = await freshStore();
    try {
      const legs = parseRecoveryRows(fixtureRows('exp2-recovery-before-fs_a.tsv')).legs;
      const aLeg = legs.find((l) => l.partnerUuid !== undefined && l.direction === 'inbound')!;
      const echo = legs.find((l) => l.partnerUuid === undefined)!;
      const report = await migrateCalls({
        store,
        from: 'a',
        to: 'c',
        callUuids: [aLeg.uuid, echo.callId, 'no-such-call'],
      });
      expect(report.notFound).toEqual(['no-such-call']);
      expect(report.calls.map((c) => [c.status, c.uuids.length])).toEqual(
        expect.arrayContaining([
          ['moved', 2],
          ['moved', 1],
        ]),
      );
      const onC = (await rows('fs_c')).map((r) => r.uuid).sort();
      expect(onC).toEqual([aLeg.uuid, aLeg.partnerUuid!, echo.uuid].sort());
      expect(await rows('fs_a')).toHaveLength(15);
      // c has separate SIP and media addresses: each landed where it belongs
      for (const r of await rows('fs_c')) {
        const leg = parseRecoveryRow(r);
        expect([leg.localMediaIp, leg.variables.get('sip_local_network_addr')]).toEqual([
          '127.0.0.5',
          '127.0.0.4',
        ]);
      }
    } finally {
      await store.close();
    }
  });

  it('spreads units over b and c by load, in one transaction, without ever splitting one', async () => {
    const { store, rows, db } = await freshStore();
    try {
      const report = await migrateCalls({ store, from: 'a', spread: true });
      // rows written by one transaction share its id as xmin
      const xids = await withClient(pgHost.config('postgres', db), (c) =>
        c.query<{ n: string }>(
          `SELECT count(DISTINCT x::text) AS n FROM (SELECT xmin AS x FROM fs_b.recovery WHERE uuid <> $1
           UNION ALL SELECT xmin FROM fs_c.recovery) t`,
          [bOwn[0]!.uuid],
        ),
      );
      expect(Number(xids.rows[0]!.n)).toBe(1);
      expect(report.movedLegs).toBe(18);
      const onB = (await rows('fs_b')).filter((r) => r.uuid !== bOwn[0]!.uuid);
      const onC = await rows('fs_c');
      expect(onB.length + onC.length).toBe(18);
      expect(Math.abs(onB.length + 1 - onC.length)).toBeLessThanOrEqual(2);
      const where = new Map<string, string>([
        ...onB.map((r) => [r.uuid, 'b'] as const),
        ...onC.map((r) => [r.uuid, 'c'] as const),
      ]);
      for (const unit of groupMigrationUnits(parseRecoveryRows(sourceRows).legs))
        expect(new Set(unit.uuids.map((u) => where.get(u))).size).toBe(1);
      for (const r of onC) expect(r.hostname).toBe('fs-c');
    } finally {
      await store.close();
    }
  });

  it('reports malformed rows, leaves them untouched, and holds back a bridge whose partner is malformed', async () => {
    const exp2 = fixtureRows('exp2-recovery-before-fs_a.tsv');
    const legs = parseRecoveryRows(exp2).legs;
    const bLeg = legs.find((l) => l.direction === 'outbound')!;
    const aLegUuid = bLeg.partnerUuid!;
    // same call again under new uuids, its B-leg's XML cut short
    const rename = (s: string) =>
      s
        .split(bLeg.uuid)
        .join(`ffffffff${bLeg.uuid.slice(8)}`)
        .split(aLegUuid)
        .join(`eeeeeeee${aLegUuid.slice(8)}`);
    const aRow = exp2.find((r) => r.uuid === aLegUuid)!;
    const bRow = exp2.find((r) => r.uuid === bLeg.uuid)!;
    const goodA = {
      ...aRow,
      uuid: rename(aRow.uuid),
      metadata: rename(aRow.metadata).replace(/16\d\d\d/g, '19998'),
    };
    const badB = { ...bRow, uuid: rename(bRow.uuid), metadata: rename(bRow.metadata).slice(0, 5000) };
    const foreign = { ...bOwn[0]!, uuid: 'dddddddd-0000-4000-8000-000000000001' };
    foreign.metadata = foreign.metadata.split(bOwn[0]!.uuid).join(foreign.uuid);
    const { store, rows } = await freshStore([goodA, badB, foreign]);
    try {
      const report = await migrateCalls({ store, from: 'a', to: 'b' });
      const problems = new Map(report.malformed.map((m) => [m.uuid, m.problem]));
      expect(problems.get(badB.uuid)).toMatch(/not well-formed XML/);
      expect(problems.get(foreign.uuid)).toMatch(/switchname="fs-b"> is not source node a's switchname fs-a/);
      expect(report.calls.find((c) => c.uuids.includes(goodA.uuid))).toMatchObject({
        status: 'skipped',
        reason: expect.stringContaining(badB.uuid),
        missingPartners: [badB.uuid],
      });
      expect(report.movedLegs).toBe(18);
      const left = await rows('fs_a');
      expect(left.map((r) => r.uuid).sort()).toEqual([goodA.uuid, badB.uuid, foreign.uuid].sort());
      for (const r of left) expect(r).toEqual([goodA, badB, foreign].find((x) => x.uuid === r.uuid));
    } finally {
      await store.close();
    }
  });

  it('gives a moved leg a new media port only when its port is taken on the target', async () => {
    const exp2 = fixtureRows('exp2-recovery-before-fs_a.tsv');
    const victim = parseRecoveryRow(exp2[0]!);
    const { store, rows, db } = await freshStore();
    try {
      // b already has a call on the victim's port
      const squatter = { ...bOwn[0]!, uuid: 'cccccccc-0000-4000-8000-000000000001' };
      squatter.metadata = squatter.metadata.replace(
        /<local_media_port>\d+</,
        `<local_media_port>${victim.localMediaPort}<`,
      );
      await withClient(pgHost.config('postgres', db), (c) => insertRows(c, 'fs_b', [squatter]));
      const report = await migrateCalls({ store, from: 'a', to: 'b' });
      expect(report.movedLegs).toBe(18);
      const moved = parseRecoveryRow((await rows('fs_b')).find((r) => r.uuid === victim.uuid)!);
      expect(moved.localMediaPort).not.toBe(victim.localMediaPort);
      expect(moved.localMediaPort % 2).toBe(0);
      expect(moved.variables.get('rtp_local_sdp_str')).toContain(`m=audio ${moved.localMediaPort} `);
      const others = (await rows('fs_b')).filter((r) => r.uuid !== victim.uuid && r.uuid !== squatter.uuid);
      for (const r of others) {
        const leg = parseRecoveryRow(r);
        const orig = sourceRows.find((x) => x.uuid === r.uuid);
        if (orig) expect(leg.localMediaPort).toBe(parseRecoveryRow(orig).localMediaPort);
      }
    } finally {
      await store.close();
    }
  });

  it('refuses a unit whose legs name different targets, and moves nothing', async () => {
    const { store, rows } = await freshStore();
    try {
      const batches = await preparedBatches(store);
      const bridge = batches.get('b')!.find((x) => x.unit.kind === 'bridge')!;
      const [first, second] = bridge.legs as [MoveLeg, MoveLeg];
      await expect(store.moveUnits('a', [first, { ...second, to: 'c' }])).rejects.toThrow(
        /legs of unit .* name different targets/,
      );
      expect(await rows('fs_a')).toHaveLength(18);
    } finally {
      await store.close();
    }
  });

  it('refuses in the database to move part of a unit, or a row written since it was read', async () => {
    const { store, rows, db } = await freshStore();
    try {
      const batches = await preparedBatches(store);
      const bridges = batches.get('b')!.filter((x) => x.unit.kind === 'bridge');
      const [one, two] = bridges as [(typeof bridges)[0], (typeof bridges)[0]];
      // half a bridge: the partner would stay behind
      const half = await store.moveUnits('a', [{ ...one.legs[0]!, unit: 'half' }]);
      expect(half.map((o) => o.outcome)).toEqual(['split']);
      // a leg rewritten after we read it (FreeSWITCH still alive = not fenced): its whole unit stays
      await withClient(pgHost.config('postgres', db), (c) =>
        c.query("UPDATE fs_a.recovery SET metadata = metadata || ' ' WHERE uuid = $1", [two.legs[0]!.uuid]),
      );
      const out = await store.moveUnits('a', [...one.legs, ...two.legs]);
      expect(out.map((o) => o.outcome)).toEqual(['moved', 'moved', 'changed', 'held']);
      const onB = (await rows('fs_b')).map((r) => r.uuid);
      expect(onB).toEqual(expect.arrayContaining([...one.unit.uuids]));
      expect(onB).not.toEqual(expect.arrayContaining([two.unit.uuids[0]]));
      expect((await rows('fs_a')).map((r) => r.uuid)).toEqual(expect.arrayContaining([...two.unit.uuids]));
    } finally {
      await store.close();
    }
  });

  it('undoes the whole move when a row is written while the move runs', async () => {
    const { store, rows, db } = await freshStore();
    const writer = new pg.Client(pgHost.config('postgres', db));
    // watches from outside the writer's transaction: a transaction sees pg_stat_activity as it first read it
    const watcher = new pg.Client(pgHost.config('postgres', db));
    await writer.connect();
    await watcher.connect();
    try {
      const legs = [...(await preparedBatches(store)).get('b')!.flatMap((x) => x.legs)];
      const before = await rows('fs_a');
      // an unfenced node rewrites one leg after the move read it and before the move deletes it: the
      // move's delete waits for the row lock, then finds a newer version than the one it copied
      await writer.query('BEGIN');
      await writer.query("UPDATE fs_a.recovery SET metadata = metadata || ' ' WHERE uuid = $1", [
        legs[5]!.uuid,
      ]);
      const moving = store.moveUnits('a', legs).then(
        () => 'committed',
        (e: Error) => e.message,
      );
      const waiting = await pollUntil(
        async () => {
          const r = await watcher.query(
            "SELECT 1 FROM pg_stat_activity WHERE query LIKE '%zerodrop.move_units(%' AND wait_event_type = 'Lock'",
          );
          return r.rowCount === 1 ? true : undefined;
        },
        { timeoutMs: 10_000, intervalMs: 20 },
      );
      expect(waiting).toBe(true);
      await writer.query('COMMIT');
      expect(await moving).toMatch(/expected to move 18 leg\(s\), deleted 17, inserted 18; rolled back/);
      expect((await rows('fs_a')).map((r) => r.uuid).sort()).toEqual(before.map((r) => r.uuid).sort());
      expect((await rows('fs_b')).map((r) => r.uuid)).toEqual(bOwn.map((r) => r.uuid));
    } finally {
      await writer.end();
      await watcher.end();
      await store.close();
    }
  });

  it('lists calls per node as units, malformed rows apart', async () => {
    const { store } = await freshStore([{ ...sourceRows[0]!, uuid: 'bad', metadata: 'x' }]);
    try {
      const calls = await listCalls(store);
      expect(calls.map((n) => [n.node, n.rows, n.units.length, n.malformed.length])).toEqual([
        ['a', 19, 12, 1],
        ['b', 1, 1, 0],
        ['c', 0, 0, 0],
      ]);
      const [onlyB] = await listCalls(store, 'b');
      expect(onlyB?.units[0]?.uuids).toEqual([bOwn[0]!.uuid]);
      await expect(listCalls(store, 'zz')).rejects.toThrow(/hosts\.zz: no such node/);
    } finally {
      await store.close();
    }
  });
});
