// Bench: plan and move 1,000 and 10,000 synthetic legs (copies of real FreeSWITCH rows) from node a to
// node b in a host PostgreSQL 15, per-node layout. "cold" parses every row during the migration; "warm"
// parses them beforehand, as a controller watching healthy nodes would (LegCache). Last line: JSON.
//
// PostgreSQL runs with the settings README recommends, huge pages included: run as root, the bench reserves
// them (vm.nr_hugepages) for its own server and gives them back at the end. It then moves 10,000 legs
// twice more on a second server without huge pages, and reports both.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { LegCache } from '../src/recovery/leg-cache.js';
import { listCalls } from '../src/recovery/list-calls.js';
import { migrateCalls } from '../src/recovery/migrate-calls.js';
import { RECOVERY_DB_SETTINGS } from '../src/recovery/recovery-db-settings.js';
import { type MoveLeg, type MoveOutcome, RecoveryStore } from '../src/recovery/recovery-store.js';
import { renderPostgresInit } from '../src/recovery/render-postgres-init.js';
import { type HostPostgres, startHostPostgres } from '../test/support/host-postgres.js';
import {
  fixtureHosts,
  fixtureRows,
  insertRows,
  synthesizeRows,
  withClient,
} from '../test/support/recovery-fixtures.js';

const SIZES = (process.env.ZERODROP_BENCH_LEGS ?? '1000,10000').split(',').map(Number);
const template = fixtureRows('exp2-recovery-before-fs_a.tsv');
const onB = fixtureRows('exp2-recovery-before-fs_b.tsv');

const TICK_MS = 10; // USER_HZ 100
const NR_HUGEPAGES = '/proc/sys/vm/nr_hugepages';
// 2 MB pages for shared_buffers (128 MB), wal_buffers (64 MB) and the rest of the shared segment, with room
const HUGE_PAGES_NEEDED = 160;

/** HugePages_Total and HugePages_Free from /proc/meminfo. */
function hugePages(): { total: number; free: number } {
  const info = readFileSync('/proc/meminfo', 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  return { total: field('HugePages_Total'), free: field('HugePages_Free') };
}

/**
 * Makes HUGE_PAGES_NEEDED huge pages free for the bench's PostgreSQL: already free, or reserved now (root
 * only; the kernel may find fewer). Returns whether they are free and how to put the count back.
 */
function reserveHugePages(): { ok: boolean; how: string; restore: () => void } {
  const before = hugePages();
  if (before.free >= HUGE_PAGES_NEEDED) return { ok: true, how: 'already reserved', restore: () => {} };
  if (process.getuid?.() !== 0)
    return { ok: false, how: 'none free, and only root may reserve them', restore: () => {} };
  const want = before.total + HUGE_PAGES_NEEDED - before.free;
  const restore = () => writeFileSync(NR_HUGEPAGES, String(before.total));
  try {
    writeFileSync(NR_HUGEPAGES, String(want));
  } catch (e) {
    return { ok: false, how: `could not reserve: ${(e as Error).message}`, restore: () => {} };
  }
  const got = hugePages().free >= HUGE_PAGES_NEEDED;
  if (!got) restore();
  return {
    ok: got,
    how: got
      ? `reserved ${want - before.total} (vm.nr_hugepages ${before.total} -> ${want})`
      : 'kernel found too few',
    restore,
  };
}

/** CPU ms used so far by the PostgreSQL cluster (postmaster and all its children). */
function clusterCpuMs(dataDir: string): number {
  const master = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pid) === master || Number(f[1]) === master) ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks * TICK_MS;
}

/** A store that measures the CPU its moves cost, here and in the database, apart from wall time. */
class MeasuredStore extends RecoveryStore {
  moveCpuMs = 0;
  pgCpuMs = 0;
  /** Legs moved by recipe (the database rewrites its own row) rather than by shipped XML. */
  recipeLegs = 0;
  constructor(
    pool: pg.Pool,
    private readonly dataDir: string,
  ) {
    super(pool);
  }
  override async moveUnits(from: string, legs: readonly MoveLeg[]): Promise<MoveOutcome[]> {
    const node0 = process.cpuUsage();
    const pg0 = clusterCpuMs(this.dataDir);
    this.recipeLegs += legs.filter((l) => l.recipe !== undefined && l.version !== undefined).length;
    const out = await super.moveUnits(from, legs);
    const node = process.cpuUsage(node0);
    const pgMs = clusterCpuMs(this.dataDir) - pg0;
    this.pgCpuMs += pgMs;
    this.moveCpuMs += (node.user + node.system) / 1000 + pgMs;
    return out;
  }
}

interface Row {
  mode: 'cold' | 'warm';
  legs: number;
  units: number;
  readMs: number;
  parseMs: number;
  planMs: number;
  rewriteMs: number;
  moveMs: number;
  moveCpuMs: number;
  pgCpuMs: number;
  recipeLegs: number;
  totalMs: number;
}

let dbs = 0;

/**
 * Makes the fresh cluster look like a server that has been running: a new postmaster's shared buffers and
 * WAL buffers are untouched memory, and the first move through them paid ~12 % of its time in page
 * faults (perf) that a long-running PostgreSQL never sees. A plain INSERT (no bulk-write ring) of more
 * than shared_buffers and wal_buffers touches every buffer once.
 */
async function warmCluster(pgHost: HostPostgres): Promise<void> {
  const db = await pgHost.createDatabase('bench_warm');
  await pgHost.exec(
    `CREATE TABLE warm (pad text);
     INSERT INTO warm SELECT repeat(md5(g::text), 60) FROM generate_series(1, 80000) g;
     DROP TABLE warm;
     CHECKPOINT;`,
    db,
  );
}
/** A warmed cluster with the settings the lab's PostgreSQL runs with and README recommends. */
async function startCluster(hugePagesOn: boolean): Promise<HostPostgres> {
  const pgHost = await startHostPostgres({
    settings: { ...RECOVERY_DB_SETTINGS, huge_pages: hugePagesOn ? 'on' : 'off' },
  });
  await warmCluster(pgHost);
  return pgHost;
}

async function run(pgHost: HostPostgres, legs: number, mode: Row['mode']): Promise<Row> {
  const db = await pgHost.createDatabase(`bench_${++dbs}`);
  await pgHost.exec(renderPostgresInit({ nodes: fixtureHosts(), layout: 'per-node' }).sql, db);
  await withClient(pgHost.config('postgres', db), async (c) => {
    await insertRows(c, 'fs_a', synthesizeRows(template, legs));
    await insertRows(c, 'fs_b', onB);
    await c.query('VACUUM ANALYZE fs_a.recovery');
    await c.query('VACUUM ANALYZE fs_b.recovery');
  });
  const store = new MeasuredStore(new pg.Pool({ ...pgHost.config('zerodrop', db), max: 4 }), pgHost.dataDir);
  try {
    const legCache = mode === 'warm' ? new LegCache() : undefined;
    if (legCache) await listCalls(store, 'a', legCache);
    const t0 = performance.now();
    const report = await migrateCalls({ store, from: 'a', to: 'b', ...(legCache ? { legCache } : {}) });
    const totalMs = performance.now() - t0;
    const [a, b] = await listCalls(store);
    const notMoved = report.calls.filter((c) => c.status !== 'moved');
    if (notMoved.length || report.malformed.length || a?.rows !== 0 || b?.rows !== legs + onB.length)
      throw new Error(
        `bench move incomplete: ${notMoved.length} unit(s) not moved, a ${a?.rows}, b ${b?.rows}`,
      );
    const t = report.timingsMs;
    return {
      mode,
      legs,
      units: report.calls.length,
      readMs: t.read,
      parseMs: t.parse,
      planMs: t.plan,
      rewriteMs: t.rewrite,
      moveMs: t.move,
      moveCpuMs: store.moveCpuMs,
      pgCpuMs: store.pgCpuMs,
      recipeLegs: store.recipeLegs,
      totalMs,
    };
  } finally {
    await store.close();
  }
}

const results: Row[] = [];
const noHugePages: Row[] = [];
// The same move's wall time varies by ±20 % between runs on this kind of VM, so the largest size moves three
// times (each in a fresh database) and the JSON reports the median beside every run.
const WARM_RUNS = 2;
const huge = reserveHugePages();
process.once('exit', huge.restore);
try {
  {
    await using pgHost = await startCluster(huge.ok);
    for (const legs of SIZES) results.push(await run(pgHost, legs, 'cold'));
    for (let i = 0; i < WARM_RUNS; i++) results.push(await run(pgHost, SIZES.at(-1)!, 'warm'));
  }
  if (huge.ok) {
    await using pgHost = await startCluster(false);
    for (let i = 0; i < WARM_RUNS; i++) noHugePages.push(await run(pgHost, SIZES.at(-1)!, 'warm'));
  }
} finally {
  huge.restore();
  process.off('exit', huge.restore);
}

const cols = [
  'mode',
  'legs',
  'units',
  'readMs',
  'parseMs',
  'planMs',
  'rewriteMs',
  'moveMs',
  'moveCpuMs',
  'pgCpuMs',
  'recipeLegs',
  'totalMs',
] as const;
const fmt = (v: number | string) =>
  typeof v === 'string' ? v : Number.isInteger(v) ? String(v) : v.toFixed(1);
console.log(cols.map((c) => c.padStart(11)).join(''));
for (const r of results) console.log(cols.map((c) => fmt(r[c]).padStart(11)).join(''));
console.log(
  `host: ${cpus().length} cores, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
console.log(
  'moveMs: the zerodrop.move_units transaction (advisory lock, judge, copy rewritten + delete whole units)',
);
console.log(
  "  incl. shipping each leg's recipe (recipeLegs; others ship their XML) and the database applying it;",
);
console.log(
  '  moveCpuMs: CPU of the move here and in PostgreSQL (pgCpuMs); planMs: grouping into units + assignment;',
);
console.log(
  '  parseMs: strict XML parse (warm: cache hits); rewriteMs: rewrite + verify + recipe of every row;',
);
console.log(
  '  readMs: reading both nodes. Wall times grow with the load average: compare CPU on a busy host.',
);
const cold = results.filter((r) => r.mode === 'cold').at(-1)!;
const warm = results.at(-1)!;
const ms = (v: number) => Math.round(v);
const largest = results.filter((r) => r.legs === cold.legs).map((r) => r.moveMs);
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const plain = noHugePages.map((r) => r.moveMs);
console.log(
  `huge pages: ${huge.ok ? `in use (${huge.how})` : `not in use (${huge.how})`}; PostgreSQL settings: ${Object.entries(
    RECOVERY_DB_SETTINGS,
  )
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')}`,
);
console.log(
  `moveMs of every ${cold.legs}-leg move: ${largest.map(ms).join(', ')} ms; median ${ms(median(largest))} ms (the JSON's moveMs)`,
);
if (plain.length)
  console.log(
    `the same on a server without huge pages: ${plain.map(ms).join(', ')} ms (moveMsWithoutHugePages)`,
  );
console.log(
  JSON.stringify({
    legs: cold.legs,
    moveMs: ms(median(largest)),
    moveMsRuns: largest.map(ms),
    hugePages: huge.ok,
    ...(plain.length ? { moveMsWithoutHugePages: plain.map(ms) } : {}),
    coldMoveMs: ms(cold.moveMs),
    moveCpuMs: ms(cold.moveCpuMs),
    pgCpuMs: ms(cold.pgCpuMs),
    recipeLegs: cold.recipeLegs,
    planMs: ms(cold.planMs),
    parseMs: ms(cold.parseMs),
    rewriteMs: ms(cold.rewriteMs),
    readMs: ms(cold.readMs),
    totalMs: ms(cold.totalMs),
    warmTotalMs: ms(warm.totalMs),
    warmMoveMs: ms(warm.moveMs),
    warmMoveCpuMs: ms(warm.moveCpuMs),
    load1: Number(loadavg()[0]!.toFixed(1)),
  }),
);
