// OpenSIPS as the farm's proxy. What needs no OpenSIPS always runs: the dispatcher table goes into PostgreSQL
// beside recovery's init and OpenSIPS's login reads it the way db_postgres does. What needs an OpenSIPS binary
// runs only where one is configured (CI has none), and says so when skipped:
//   ZERODROP_OPENSIPS_IMAGE  an image from `zerodrop image opensips --from-prefix DIR` (or the user's own):
//                            `opensips -c` on the rendered config, then farm-crash-migrate through it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { RunFiles } from '../src/history/run-dir.js';
import { labAddresses } from '../src/lab/lab-addresses.js';
import { opensipsDb, opensipsDispatcherSql, renderOpensipsCfg } from '../src/lab/opensips-role.js';
import { labDir } from '../src/lab/render-template.js';
import { renderPostgresInit } from '../src/recovery/render-postgres-init.js';
import { nodeHosts } from '../src/scenario/lab-wiring.js';
import { loadScenario } from '../src/scenario/load-scenario.js';
import { runScenario } from '../src/scenario/run-scenario.js';
import { startHostPostgres } from './support/host-postgres.js';

const image = process.env.ZERODROP_OPENSIPS_IMAGE?.trim() || undefined;
const imageExists = (() => {
  if (!image) return false;
  try {
    execFileSync('docker', ['image', 'inspect', image], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const skipReason = !image
  ? 'ZERODROP_OPENSIPS_IMAGE is not set (no OpenSIPS here; pack one with: zerodrop image opensips --from-prefix DIR)'
  : `ZERODROP_OPENSIPS_IMAGE=${image} is not a local image`;
const skipped = imageExists ? '' : ` [skipped: ${skipReason}]`;
if (!imageExists) console.warn(`[opensips tests] skipping the OpenSIPS-binary tests: ${skipReason}`);

const addresses = labAddresses(7, 3);

describe('OpenSIPS dispatcher destinations in PostgreSQL', () => {
  it('sit beside recovery’s init and read back as OpenSIPS’s login sees them (table version 9)', async () => {
    await using pgHost = await startHostPostgres();
    const db = await pgHost.createDatabase(opensipsDb.database);
    const init = renderPostgresInit({
      nodes: nodeHosts(addresses, ['fs1', 'fs2', 'fs3']),
      layout: 'per-node',
    }).sql;
    const dir = mkdtempSync(join(tmpdir(), 'zd-osips-sql-'));
    try {
      const file = join(dir, 'init.sql');
      // the lab's PostgreSQL runs the init SQL with psql, once; a second run (same lab data) must not break
      writeFileSync(file, `${init}\n${opensipsDispatcherSql(addresses)}`);
      const psql = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(pgHost.port)];
      execFileSync('psql', [...psql, '-U', 'postgres', '-d', db, '-f', file], { stdio: 'pipe' });
      writeFileSync(file, opensipsDispatcherSql(addresses));
      execFileSync('psql', [...psql, '-U', 'postgres', '-d', db, '-f', file], { stdio: 'pipe' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const client = new pg.Client(pgHost.config(opensipsDb.user, db));
    await client.connect();
    try {
      // unqualified, as db_postgres asks: the role's own schema comes first on its search_path
      const v = await client.query("select table_version from version where table_name = 'dispatcher'");
      expect(v.rows).toEqual([{ table_version: 9 }]);
      const d = await client.query('select setid, destination, state, attrs from dispatcher order by id');
      expect(d.rows).toEqual([
        { setid: 1, destination: 'sip:198.19.7.41:5060', state: 0, attrs: 'name=fs1' },
        { setid: 1, destination: 'sip:198.19.7.42:5060', state: 0, attrs: 'name=fs2' },
        { setid: 1, destination: 'sip:198.19.7.43:5060', state: 0, attrs: 'name=fs3' },
      ]);
    } finally {
      await client.end();
    }
  });
});

describe('OpenSIPS binary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zd-osips-cfg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** `start.sh check` (opensips -c) inside the image on a config; exit code and output. */
  const check = (cfg: string) => {
    writeFileSync(join(dir, 'opensips.cfg.in'), cfg);
    writeFileSync(join(dir, 'start.sh'), readFileSync(join(labDir, 'opensips', 'start.sh')));
    const script = 'mkdir -p /etc/opensips && cp /zd/opensips.cfg.in /etc/opensips/ && sh /zd/start.sh check';
    const r = spawnSync(
      'docker',
      [
        'run',
        '--rm',
        '--pull',
        'never',
        '--network',
        'none',
        '-v',
        `${dir}:/zd:ro`,
        '--entrypoint',
        '/bin/sh',
      ].concat([image ?? '', '-c', script]),
      { encoding: 'utf8', timeout: 60_000 },
    );
    return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
  };

  it.skipIf(!imageExists)(`the rendered opensips.cfg passes opensips -c${skipped}`, () => {
    const cfg = renderOpensipsCfg(addresses);
    const ok = check(cfg);
    expect(ok.out).toMatch(/zerodrop: version: opensips \d+\.\d+/);
    expect(ok.code, ok.out).toBe(0);
    // the check is real: Kamailio's `uri == myself` is a syntax error for OpenSIPS 3.5
    const bad = check(cfg.replace(`$rd == "${addresses.proxy}"`, 'uri == myself'));
    expect(bad.code, bad.out).not.toBe(0);
  });

  it.skipIf(!imageExists)(
    `farm-crash-migrate through OpenSIPS: every answered call survives, the report names OpenSIPS and its image${skipped}`,
    async () => {
      const scenario = await loadScenario('scenarios/farm-crash-migrate.ts');
      const lines: string[] = [];
      const out = await runScenario({
        scenario,
        seed: 7,
        proxy: { kind: 'opensips', image: image ?? '' },
        reportsDir: join('reports', 'ci'),
        progress: (l) => lines.push(l),
      });
      const summary = readFileSync(join(out.dir, RunFiles.summary), 'utf8');
      expect(summary).toMatch(
        new RegExp(`opensips \\d+\\.\\d+\\S* \\(image ${image?.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\)`),
      );
      const failing = out.results.filter((r) => r.valid !== true).map((r) => `${r.name}: ${r.details}`);
      expect(failing, `${lines.slice(-15).join('\n')}\n${out.dir}`).toEqual([]);
      expect(out.exitCode).toBe(0);
      // port-latching: recovery re-INVITEs went through OpenSIPS to the UAs, and the media they get after the
      // move comes from the same RTPEngine address and port as before (only the SSRC changes)
      const events = readFileSync(join(out.dir, RunFiles.history), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { kind: string; value: { from?: string; to?: string } });
      expect(events.filter((e) => e.kind === 'call.reinvite').length).toBeGreaterThan(0);
      const moved = events.filter((e) => e.kind === 'media.source-changed');
      expect(moved.length).toBeGreaterThan(0);
      for (const e of moved) expect(e.value.to).toBe(e.value.from);
    },
    300_000,
  );
});
