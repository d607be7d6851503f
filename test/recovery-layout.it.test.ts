// The seed's shared recovery table lets a recover on one node take another node's live calls; per-node schemas don't.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateCalls } from '../src/recovery/migrate-calls.js';
import { RecoveryStore } from '../src/recovery/recovery-store.js';
import { renderPostgresInit, type StorageLayout } from '../src/recovery/render-postgres-init.js';
import { type HostPostgres, startHostPostgres } from './support/host-postgres.js';
import {
  fixtureHosts,
  fixtureRows,
  insertRows,
  simulateFreeswitchRecover,
  tableRows,
  withClient,
} from './support/recovery-fixtures.js';

const aRows = fixtureRows('exp2-recovery-before-fs_a.tsv'); // fs-a's six live legs
const bRows = fixtureRows('exp2-recovery-before-fs_b.tsv'); // fs-b's own live call
const B_RUNTIME = bRows[0]!.runtimeUuid;

let pgHost: HostPostgres;
let n = 0;
beforeAll(async () => {
  pgHost = await startHostPostgres();
});
afterAll(async () => {
  await pgHost?.stop();
});

async function setup(layout: StorageLayout) {
  const db = await pgHost.createDatabase(`layout_${++n}`);
  const init = renderPostgresInit({ nodes: fixtureHosts(), layout });
  await pgHost.exec(init.sql, db);
  // each node writes its own rows through its own login, as FreeSWITCH would
  const login = (node: string) => pgHost.config(init.nodeLogins[node]!.user, db);
  await withClient(login('a'), (c) => insertRows(c, init.nodeLogins.a!.schema, aRows));
  await withClient(login('b'), (c) => insertRows(c, init.nodeLogins.b!.schema, bRows));
  return { db, init, login };
}

describe('recovery storage layouts', () => {
  it('shared: `fsctl recover` on B takes all of A’s live calls (the hazard)', async () => {
    const { db, login } = await setup('shared');
    const taken = await withClient(login('b'), (c) => simulateFreeswitchRecover(c, B_RUNTIME));
    expect(taken).toEqual(aRows.map((r) => r.uuid).sort());
    // A is alive, yet its rows are gone: its calls are now owned by B's process as well
    const left = await tableRows(pgHost.config('postgres', db), 'public');
    expect(left.map((r) => r.uuid)).toEqual([bRows[0]!.uuid]);
  });

  it('per-node: `fsctl recover` on B sees nothing of A, and B cannot even read A’s schema', async () => {
    const { db, login } = await setup('per-node');
    const taken = await withClient(login('b'), (c) => simulateFreeswitchRecover(c, B_RUNTIME));
    expect(taken).toEqual([]);
    await withClient(login('b'), async (c) => {
      await expect(c.query('SELECT count(*) FROM fs_a.recovery')).rejects.toMatchObject({ code: '42501' });
      await expect(c.query('CREATE TABLE public.x (y int)')).rejects.toMatchObject({ code: '42501' });
      await expect(c.query('SELECT * FROM zerodrop.hosts')).rejects.toMatchObject({ code: '42501' });
    });
    expect((await tableRows(pgHost.config('postgres', db), 'fs_a')).map((r) => r.uuid)).toEqual(
      aRows.map((r) => r.uuid).sort(),
    );
    expect(await tableRows(pgHost.config('postgres', db), 'fs_b')).toHaveLength(1);
  });

  it('per-node: after a move, B’s recover takes exactly the moved legs and never its own live call', async () => {
    const { db, login } = await setup('per-node');
    const store = RecoveryStore.connect(pgHost.config('zerodrop', db));
    try {
      const report = await migrateCalls({ store, from: 'a', to: 'b' });
      expect(report.movedLegs).toBe(6);
    } finally {
      await store.close();
    }
    const taken = await withClient(login('b'), (c) => simulateFreeswitchRecover(c, B_RUNTIME));
    expect(taken).toEqual(aRows.map((r) => r.uuid).sort());
    expect((await tableRows(pgHost.config('postgres', db), 'fs_b')).map((r) => r.uuid)).toEqual([
      bRows[0]!.uuid,
    ]);
  });

  it('per-node: a restarted A still recovers its own previous rows from its own schema', async () => {
    const { login } = await setup('per-node');
    const taken = await withClient(login('a'), (c) => simulateFreeswitchRecover(c, 'new-runtime-of-a'));
    expect(taken).toEqual(aRows.map((r) => r.uuid).sort());
  });

  it('shared: a move by switchname moves only A’s rows within the one table', async () => {
    const { db } = await setup('shared');
    const store = RecoveryStore.connect(pgHost.config('zerodrop', db));
    try {
      expect((await store.listRows('a')).map((r) => r.uuid)).toEqual(aRows.map((r) => r.uuid).sort());
      const report = await migrateCalls({ store, from: 'a', to: 'b' });
      expect(report.movedLegs).toBe(6);
      expect(await store.listRows('a')).toEqual([]);
      const all = await tableRows(pgHost.config('postgres', db), 'public');
      expect(all).toHaveLength(7);
      expect(new Set(all.map((r) => r.hostname))).toEqual(new Set(['fs-b']));
    } finally {
      await store.close();
    }
  });
});
