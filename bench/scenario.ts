// Benchmark: farm-crash-migrate end to end (lab up → calls → crash → controller → recovery → report → down),
// with 50 and 200 calls and the controller probing every 100 ms.
// Run: npx tsx bench/scenario.ts [--calls 50,200] [--rate 25]
// The rate is the call setup rate: on 2 cores, 50 setups a second starve the emulated nodes past the proxy's
// 2 s timer and half the calls fail before the fault, which measures setup, not the failover.
import { join } from 'node:path';
import { gapStats, runStats } from '../src/checks/run-stats.js';
import { readHistory } from '../src/history/history-store.js';
import { RunFiles } from '../src/history/run-dir.js';
import { loadScenario } from '../src/scenario/load-scenario.js';
import { runScenario } from '../src/scenario/run-scenario.js';

const arg = process.argv.indexOf('--calls');
const sizes = arg > 0 ? (process.argv[arg + 1] ?? '').split(',').map(Number) : [50, 200];
const rateArg = process.argv.indexOf('--rate');
const rate = rateArg > 0 ? Number(process.argv[rateArg + 1]) : 25;
if (!Number.isFinite(rate) || rate <= 0) throw new Error(`--rate: expected calls per second > 0`);
const scenario = await loadScenario('scenarios/farm-crash-migrate.ts');

interface Row {
  calls: number;
  implementation: string;
  wallMs: number;
  verdict: number;
  placed: number;
  answered: number;
  atFault: number;
  survival: number;
  gapP50Ms?: number;
  gapP95Ms?: number;
  gapMaxMs?: number;
  detectMs?: number;
  migrateMs?: number;
  recoverMs?: number;
}

const rows: Row[] = [];
for (const calls of sizes) {
  const started = performance.now();
  const out = await runScenario({
    scenario: {
      ...scenario,
      calls: { ...scenario.calls, count: calls, ratePerSec: rate },
    },
    seed: 11,
    probeIntervalMs: 100,
    reportsDir: join('reports', 'bench'),
    progress: () => {},
  });
  const wallMs = performance.now() - started;
  const { events } = readHistory(join(out.dir, RunFiles.history));
  const stats = runStats(events, scenario.bounds.mediaResumeMs);
  // both directions together: the bench's target is on every direction of every interrupted call
  const both = gapStats(
    stats.resumptions.flatMap((c) => c.directions.map((d) => d.faultGapMs ?? d.worstGapMs)),
  );
  rows.push({
    calls,
    implementation: 'fs-sim (FreeSWITCH emulator) + Kamailio + RTPEngine',
    wallMs: Math.round(wallMs),
    verdict: out.exitCode,
    placed: stats.callsPlaced,
    answered: stats.callsAnswered,
    atFault: stats.callsAtFault,
    survival: stats.survival,
    gapP50Ms: both.p50Ms,
    gapP95Ms: both.p95Ms,
    gapMaxMs: both.maxMs,
    detectMs: stats.detectMs,
    migrateMs: stats.migrateMs,
    recoverMs: stats.recoverMs,
  });
}

const ms = (v: number | undefined) => (v === undefined ? '—' : `${Math.round(v)}`);
console.log(
  'calls  answered  at fault  wall ms  verdict  survival  gap p50  gap p95  gap max  detect  migrate  recover',
);
for (const r of rows)
  console.log(
    [
      String(r.calls).padStart(5),
      String(r.answered).padStart(9),
      String(r.atFault).padStart(9),
      ms(r.wallMs).padStart(8),
      String(r.verdict).padStart(8),
      `${(r.survival * 100).toFixed(1)}%`.padStart(9),
      ms(r.gapP50Ms).padStart(8),
      ms(r.gapP95Ms).padStart(8),
      ms(r.gapMaxMs).padStart(8),
      ms(r.detectMs).padStart(7),
      ms(r.migrateMs).padStart(8),
      ms(r.recoverMs).padStart(8),
    ].join(' '),
  );
const last = rows[rows.length - 1]!;
const round = (v: number | undefined) => (v === undefined ? null : Math.round(v));
console.log(
  `setup rate ${rate} calls/s; survival = calls up at the fault that came through / calls up at the fault`,
);
console.log(
  JSON.stringify({
    calls: last.calls,
    implementation: last.implementation,
    wallMs: last.wallMs,
    answered: last.answered,
    callsAtFault: last.atFault,
    survival: last.survival,
    gapP50Ms: round(last.gapP50Ms),
    gapP95Ms: round(last.gapP95Ms),
    gapMaxMs: round(last.gapMaxMs),
    detectMs: round(last.detectMs),
    migrateMs: round(last.migrateMs),
    recoverMs: round(last.recoverMs),
  }),
);
