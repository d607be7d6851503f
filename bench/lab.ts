// Bench of the lab foundation: image build (re-import from the cached rootfs; a true debootstrap with --cold),
// the warm image check, farm lab up and down. Median of N runs (default 5); last line is one JSON object.
// usage: npx tsx bench/lab.ts [--runs 5] [--image-runs N] [--freeswitch N] [--cold]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DockerRuntime } from '../src/lab/docker-runtime.js';
import type { FreeswitchRole } from '../src/lab/freeswitch-role.js';
import { ensureLabImage, labImageTag } from '../src/lab/image-build.js';
import { Lab } from '../src/lab/lab.js';
import { type LabAddresses, rtpPortRange } from '../src/lab/lab-addresses.js';
import { renderPostgresInit } from '../src/recovery/render-postgres-init.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'image-runs': { type: 'string' },
    freeswitch: { type: 'string' },
    cold: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? Number.NaN) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};
const time = async (fn: () => Promise<unknown>) => {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();

/** fs-sim as the FreeSWITCH role when its module and bundle exist (lab itself never imports freeswitch/). */
async function fsSimRole(): Promise<FreeswitchRole | undefined> {
  const path = '../src/freeswitch/fs-sim-role.js';
  try {
    const mod = (await import(path)) as { fsSimRole?: (o: { eslPassword: string }) => FreeswitchRole };
    return mod.fsSimRole?.({ eslPassword: 'ClueCon' });
  } catch {
    return undefined;
  }
}

const runtime = await DockerRuntime.connect();
const role = await fsSimRole();
const nodes = Number(values.freeswitch ?? (role ? 3 : 0));
if (nodes > 0 && !role)
  throw new Error('--freeswitch > 0 needs the fs-sim role (src/freeswitch/fs-sim-role.ts + bundle)');
const rows: { metric: string; ms: number[]; note: string }[] = [];

// Image build under a bench tag, so the shared zerodrop/lab tag stays untouched for everyone else.
const benchTag = labImageTag().replace('zerodrop/lab:', 'zerodrop/lab-bench:');
const dropBenchImages = () => {
  for (const repo of ['zerodrop/lab-bench', 'zerodrop/lab-bench-base']) {
    const ids = docker('images', '-q', repo).split('\n').filter(Boolean);
    if (ids.length) docker('rmi', '-f', ...new Set(ids));
  }
};
const coldMs: number[] = [];
const coldRuns = values.cold ? 1 : Number(values['image-runs'] ?? runs);
for (let i = 0; i < coldRuns; i++) {
  dropBenchImages();
  const cacheDir = values.cold ? mkdtempSync(join(tmpdir(), 'zd-bench-rootfs-')) : undefined;
  coldMs.push(await time(() => ensureLabImage(runtime, { tag: benchTag, cacheDir })));
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
}
dropBenchImages();
rows.push({
  metric: 'image build (cold)',
  ms: coldMs,
  note: values.cold
    ? 'true cold: debootstrap + apt + import + finish'
    : 're-import of the cached rootfs + finishing layer',
});

await ensureLabImage(runtime); // the shared tag must exist for the lab runs
const warmInProcessMs: number[] = [];
for (let i = 0; i < runs; i++) warmInProcessMs.push(await time(() => ensureLabImage(runtime)));
rows.push({
  metric: 'image check (warm, in process)',
  ms: warmInProcessMs,
  note: 'hash inputs + image inspect',
});
// What a user waits for: a whole `image build` process (node + tsx start, hash, docker image inspect, nothing built).
const warmMs: number[] = [];
const root = join(import.meta.dirname, '..');
for (let i = 0; i < runs; i++) {
  warmMs.push(
    await time(async () =>
      execFileSync(process.execPath, ['--import', 'tsx', 'src/lab/lab-main.ts', 'image', 'build'], {
        cwd: root,
      }),
    ),
  );
}
rows.push({
  metric: 'image check (warm, CLI)',
  ms: warmMs,
  note: '`image build` process when the tag exists',
});

const initSql = (a: LabAddresses) =>
  renderPostgresInit({
    layout: 'per-node',
    nodes: a.freeswitch.map((ip, i) => ({
      node: `fs${i + 1}`,
      switchname: `fs${i + 1}`,
      sipIp: ip,
      mediaIp: ip,
      profile: 'internal',
      rtpPortMin: rtpPortRange(i + 1).min,
      rtpPortMax: rtpPortRange(i + 1).max,
      state: 'up' as const,
    })),
  }).sql;
const upMs: number[] = [];
const downMs: number[] = [];
for (let i = 0; i < runs; i++) {
  const logsDir = mkdtempSync(join(tmpdir(), 'zd-bench-lab-'));
  const lab = new Lab({
    runtime,
    freeswitchNodes: nodes,
    freeswitchRole: role,
    postgres: { initSql },
    logsDir,
  });
  let started: Awaited<ReturnType<Lab['start']>> | undefined;
  upMs.push(await time(async () => (started = await lab.start())));
  downMs.push(await time(() => started?.stop() ?? Promise.resolve()));
  rmSync(logsDir, { recursive: true, force: true });
}
rows.push({
  metric: `farm lab up (${nodes} FS)`,
  ms: upMs,
  note: 'network + pg/rtpengine, proxy, nodes; all ready',
});
rows.push({ metric: 'farm lab down', ms: downMs, note: 'logs saved, containers + network removed' });

const load = execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ').slice(0, 3).join(' ');
console.log(
  `\nlab bench, ${runs} runs each (${coldRuns} cold image builds), median; load average ${load} (2 cores)\n`,
);
console.log(`| metric | median ms | runs ms | note |\n|---|---:|---|---|`);
for (const r of rows) {
  console.log(
    `| ${r.metric} | ${Math.round(median(r.ms))} | ${r.ms.map(Math.round).join(', ')} | ${r.note} |`,
  );
}
console.log(
  JSON.stringify({
    imageColdMs: Math.round(median(coldMs)),
    imageWarmMs: Math.round(median(warmMs)),
    labUpMs: Math.round(median(upMs)),
    labDownMs: Math.round(median(downMs)),
    freeswitchNodes: nodes,
  }),
);
