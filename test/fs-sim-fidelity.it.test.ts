// Fidelity of fs-sim against FreeSWITCH 1.10.12's recorded behaviour (../shared/fixtures/freeswitch-1.10.12).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildFsSim } from '../lab/fs-sim/build.js';
import { parseRecoveryRow } from '../lab/fs-sim/recovery-row.js';
import { parseRecoveryTsv } from '../lab/fs-sim/recovery-tsv.js';
import { FsSimProcess, type NodeSpec, rewriteIp, TestUa } from './data/fs-sim/harness.js';
import { type HostPostgres, startHostPostgres } from './support/host-postgres.js';

const FIX = '/work/shared/fixtures/freeswitch-1.10.12';
const NODE_A = '127.0.0.52';
const NODE_B = '127.0.0.53';
const UA_IP = '127.0.0.51';

let pgServer: HostPostgres;
let bundle: string;
const dir = mkdtempSync(join(tmpdir(), 'fs-sim-fidelity-'));
const cleanup: Array<() => Promise<unknown>> = [];
let dbSeq = 0;

async function freshDb(): Promise<{ dsn: string; client: pg.Client }> {
  const name = await pgServer.createDatabase(`fidelity${++dbSeq}`);
  const client = new pg.Client(pgServer.config('postgres', name));
  await client.connect();
  cleanup.push(() => client.end());
  return { dsn: `postgres://postgres@127.0.0.1:${pgServer.port}/${name}`, client };
}

async function node(
  spec: Omit<NodeSpec, 'rtpStart' | 'rtpEnd' | 'eslPort'> & Partial<NodeSpec>,
): Promise<FsSimProcess> {
  const p = await FsSimProcess.start(
    bundle,
    { rtpStart: 20_000, rtpEnd: 20_999, eslPort: 18_021 + dbSeq * 2 + (spec.ip === NODE_B ? 1 : 0), ...spec },
    dir,
  );
  cleanup.push(() => p.kill('SIGKILL'));
  return p;
}

async function ua(port: number): Promise<TestUa> {
  const u = await TestUa.start(UA_IP, port);
  cleanup.push(() => u.close());
  return u;
}

const until = async (probe: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> => {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await probe()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
};

beforeAll(async () => {
  [pgServer, bundle] = await Promise.all([startHostPostgres({ settings: { fsync: 'off' } }), buildFsSim()]);
});
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c().catch(() => undefined);
});
afterAll(async () => {
  await pgServer?.stop();
});

/** Fixture crash2 rows with the old node's address mapped to `nodeIp` and the UAs' to UA_IP. */
function crash2Rows(nodeIp: string) {
  const file = `${FIX}/recovery/recovery-crash2-before.tsv`;
  return parseRecoveryTsv(readFileSync(file, 'utf8'), file).map((r) => ({
    ...r,
    metadata: rewriteIp(rewriteIp(r.metadata, '127.0.0.2', nodeIp), '127.0.0.1', UA_IP),
  }));
}

async function insertRows(client: pg.Client, rows: ReturnType<typeof crash2Rows>): Promise<void> {
  for (const r of rows) {
    await client.query(
      'INSERT INTO recovery (runtime_uuid, technology, profile_name, hostname, uuid, metadata) VALUES ($1,$2,$3,$4,$5,$6)',
      [r.runtime_uuid, r.technology, r.profile_name, r.hostname, r.uuid, r.metadata],
    );
  }
}

const sdpLine = (body: string, prefix: string) => body.split('\r\n').find((l) => l.startsWith(prefix));

describe('fs-sim fidelity', () => {
  it('fidelity: every crash2 fixture row recovers in fs-sim and its re-INVITE matches the pcap field by field', async () => {
    const { dsn, client } = await freshDb();
    const fs = await node({ name: 'fs-a', ip: NODE_A, pg: dsn });
    const uas = await Promise.all([ua(5070), ua(5072), ua(5080)]);
    const rows = crash2Rows(NODE_A);
    await insertRows(client, rows);
    const wire: Array<{ t: number; dst: string; message: string }> = JSON.parse(
      readFileSync('test/data/fs-sim/reinvites/crash2.json', 'utf8'),
    ).filter((w: { t: number }) => w.t > 10);
    expect(wire).toHaveLength(6);

    const reply = await fs.api('fsctl recover');
    expect(reply).toBe('+OK 6 session(s) recovered in total\n');
    const all = () => uas.flatMap((u) => u.reinvites());
    expect(await until(() => all().length === 6, 3000)).toBe(true);

    for (const w of wire) {
      const theirs = rewriteIp(rewriteIp(w.message, '127.0.0.2', NODE_A), '127.0.0.1', UA_IP);
      const [head = '', body = ''] = theirs.split('\r\n\r\n');
      const hdr = (n: string) => new RegExp(`^${n}: (.*)$`, 'm').exec(head)?.[1]?.trim();
      const callId = hdr('Call-ID');
      const seen = all().find((s) => s.request.headers.get('Call-ID') === callId);
      expect(seen, `re-INVITE for ${callId}`).toBeDefined();
      const ours = seen?.request;
      if (!ours) continue;
      expect(`INVITE ${ours.uri} SIP/2.0`).toBe(head.split('\r\n')[0]);
      expect(seen?.source.address).toBe(NODE_A);
      expect(`${UA_IP}:${uas.find((u) => u.seen.includes(seen as never))?.local.port}`).toBe(
        rewriteIp(w.dst, '127.0.0.1', UA_IP),
      );
      // Via: same sent-by and params, fresh branch (received= is our stack's stamp on receipt)
      const via = (ours.headers.get('Via') ?? '')
        .replace(/;received=[^;]+/, '')
        .replace(/rport=\d+/, 'rport');
      expect(via.replace(/branch=[^;]+/, 'branch=X')).toBe(hdr('Via')?.replace(/branch=[^;]+/, 'branch=X'));
      for (const n of [
        'From',
        'To',
        'Call-ID',
        'Route',
        'Contact',
        'Max-Forwards',
        'Content-Type',
        'Remote-Party-ID',
      ]) {
        expect([n, ours.headers.get(n)]).toEqual([n, hdr(n)]);
      }
      expect(ours.headers.get('CSeq')).toMatch(/^\d{9} INVITE$/);
      expect(Number(ours.headers.get('CSeq')?.split(' ')[0])).toBeGreaterThan(123_331_595);
      expect(ours.headers.get('User-Agent')).toMatch(/fs-sim/);
      for (const p of ['c=', 'm=', 'a=rtpmap:0', 'a=rtpmap:101', 'a=rtpmap:13', 'a=fmtp:101', 'a=ptime']) {
        expect([p, sdpLine(ours.body, p)]).toEqual([p, sdpLine(body, p)]);
      }
    }
    // every leg answered: rows are back under the new runtime, the old runtime's rows are gone
    expect(
      await until(async () => {
        const r = await client.query('SELECT runtime_uuid, hostname FROM recovery');
        return r.rows.length === 6 && r.rows.every((x) => x.runtime_uuid !== rows[0]?.runtime_uuid);
      }, 3000),
    ).toBe(true);
    const after = await client.query(
      'SELECT runtime_uuid, technology, profile_name, hostname, uuid, metadata FROM recovery',
    );
    for (const r of after.rows) {
      const leg = parseRecoveryRow(r);
      expect(leg.vars.get('recovered')).toBe('true');
      expect(r.hostname).toBe('fs-a');
    }
  });
});
