// Fidelity of fs-sim against FreeSWITCH 1.10.12's recorded behaviour (../shared/fixtures/freeswitch-1.10.12).
import dgram from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildFsSim } from '../lab/fs-sim/build.js';
import { parseRecoveryRow } from '../lab/fs-sim/recovery-row.js';
import { parseRecoveryTsv } from '../lab/fs-sim/recovery-tsv.js';
import {
  EslEventTap,
  FsSimProcess,
  freeTcpPort,
  type NodeSpec,
  rewriteIp,
  TestUa,
} from './data/fs-sim/harness.js';
import { type HostPostgres, startHostPostgres } from './support/host-postgres.js';

const FIX = '/work/shared/fixtures/freeswitch-1.10.12';
const NODE_A = '127.0.77.52';
const NODE_B = '127.0.77.53';
const UA_IP = '127.0.77.51';

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
    { rtpStart: 20_000, rtpEnd: 20_999, eslPort: spec.eslPort ?? (await freeTcpPort()), ...spec },
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

/** Fixture rows with the recorded node's address mapped to `nodeIp` and the UAs' to UA_IP. */
function fixtureRows(tsv: string, oldNode: string, oldUa: string, nodeIp: string) {
  const file = `${FIX}/${tsv}`;
  return parseRecoveryTsv(readFileSync(file, 'utf8'), file).map((r) => ({
    ...r,
    metadata: rewriteIp(rewriteIp(r.metadata, oldNode, nodeIp), oldUa, UA_IP),
  }));
}

async function insertRows(client: pg.Client, rows: ReturnType<typeof fixtureRows>): Promise<void> {
  for (const r of rows) {
    await client.query(
      'INSERT INTO recovery (runtime_uuid, technology, profile_name, hostname, uuid, metadata) VALUES ($1,$2,$3,$4,$5,$6)',
      [r.runtime_uuid, r.technology, r.profile_name, r.hostname, r.uuid, r.metadata],
    );
  }
}

const sdpLine = (body: string, prefix: string) => body.split('\r\n').find((l) => l.startsWith(prefix));

describe('fs-sim fidelity', () => {
  const RECORDED = [
    { tsv: 'recovery/recovery-crash2-before.tsv', pcap: 'crash2', node: '127.0.0.2', ua: '127.0.0.1' },
    {
      tsv: 'recovery/recovery-migrate2-after-sql.tsv',
      pcap: 'migrate2',
      node: '127.0.0.3',
      ua: '127.0.0.11',
    },
  ];
  it.each(RECORDED)(
    'fidelity: every $tsv row recovers in fs-sim and its re-INVITE matches the $pcap pcap field by field',
    async (rec) => {
      const { dsn, client } = await freshDb();
      const fs = await node({ name: 'fs-a', ip: NODE_A, pg: dsn });
      const uas = await Promise.all([ua(5070), ua(5072), ua(5080)]);
      const rows = fixtureRows(rec.tsv, rec.node, rec.ua, NODE_A);
      await insertRows(client, rows);
      const wire: Array<{ t: number; dst: string; message: string }> = JSON.parse(
        readFileSync(`test/data/fs-sim/reinvites/${rec.pcap}.json`, 'utf8'),
      ).filter((w: { t: number }) => w.t > 10);
      expect(wire).toHaveLength(6);

      const reply = await fs.api('fsctl recover');
      expect(reply).toBe('+OK 6 session(s) recovered in total\n');
      const all = () => uas.flatMap((u) => u.reinvites());
      expect(await until(() => all().length === 6, 3000)).toBe(true);

      for (const w of wire) {
        const theirs = rewriteIp(rewriteIp(w.message, rec.node, NODE_A), rec.ua, UA_IP);
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
          rewriteIp(w.dst, rec.ua, UA_IP),
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
        expect(Number(ours.headers.get('CSeq')?.split(' ')[0])).toBeGreaterThan(
          Number(hdr('CSeq')?.split(' ')[0]),
        );
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
    },
  );

  it('fidelity: a live call writes its row ~0.3 s after answer in FreeSWITCH format and deletes it ~0.1 s after BYE', async () => {
    const { dsn, client } = await freshDb();
    const fs = await node({ name: 'fs-a', ip: NODE_A, pg: dsn });
    const caller = await ua(5070);
    const call = await caller.call({ address: NODE_A, port: 5060 }, '1000');
    const answeredAt = performance.now();
    const count = async () => Number((await client.query('SELECT count(*) AS n FROM recovery')).rows[0]?.n);
    expect(await until(async () => (await count()) === 1, 2000)).toBe(true);
    const insertMs = performance.now() - answeredAt;
    expect(insertMs).toBeGreaterThan(250);
    expect(insertMs).toBeLessThan(800);
    const row = (await client.query('SELECT * FROM recovery')).rows[0];
    expect(row).toMatchObject({ technology: 'sofia', profile_name: 'internal', hostname: 'fs-a' });
    expect(row.metadata).toMatch(/^<cdr core-uuid="[0-9a-f-]{36}" switchname="fs-a">\n {2}<channel_data>/);
    const leg = parseRecoveryRow(row);
    expect(leg.direction).toBe('inbound');
    expect(leg.callId).toBe(call.callId);
    expect(leg.vars.get('sip_network_ip')).toBe(UA_IP);
    expect(leg.vars.get('local_media_ip')).toBe(NODE_A);
    expect(leg.vars.get('current_application')).toBe('echo');
    expect(row.metadata).toContain(`<sip_contact_uri>sipp%40${UA_IP}%3A5070</sip_contact_uri>`);
    expect(await call.probe.countFor(1000)).toBeGreaterThan(30); // echo
    expect(await fs.api('show calls')).toMatch(/\n1 total\.\n$/);
    expect(await caller.bye(call)).toBe(200);
    const byeAt = performance.now();
    expect(await until(async () => (await count()) === 0, 2000)).toBe(true);
    const deleteMs = performance.now() - byeAt;
    expect(deleteMs).toBeGreaterThan(60);
    expect(deleteMs).toBeLessThan(600);
  });

  it('fidelity: same-node crash, restart and fsctl recover bring every call back with media (echo and bridged)', async () => {
    const { dsn, client } = await freshDb();
    const spec = { name: 'fs-a', ip: NODE_A, pg: dsn, bridgeTarget: `uas@${UA_IP}:5080` };
    let fs = await node(spec);
    const caller = await ua(5070);
    const callee = await ua(5080);
    const calls = [
      await caller.call({ address: NODE_A, port: 5060 }, '1000'),
      await caller.call({ address: NODE_A, port: 5060 }, '1000'),
      await caller.call({ address: NODE_A, port: 5060 }, '2000'),
    ];
    const bleg = [...callee.media.values()][0];
    expect(bleg).toBeDefined();
    const probes = [...calls.map((c) => c.probe), bleg as NonNullable<typeof bleg>];
    for (const p of probes) expect(await p.countFor(600)).toBeGreaterThan(8);
    expect(
      await until(async () => (await client.query('SELECT 1 FROM recovery')).rows.length === 4, 3000),
    ).toBe(true);

    await fs.api('fsctl crash').catch(() => 'connection closed');
    expect(await fs.exited).toBeNull(); // killed by a signal, no orderly exit
    for (const p of probes) expect(await p.countFor(300)).toBe(0);
    expect([...caller.seen, ...callee.seen].filter((s) => s.request.method === 'BYE')).toHaveLength(0);
    expect((await client.query('SELECT 1 FROM recovery')).rows.length).toBe(4);

    fs = await node(spec);
    expect(await fs.api('fsctl recover')).toBe('+OK 4 session(s) recovered in total\n');
    expect(await until(() => caller.reinvites().length === 3 && callee.reinvites().length === 1, 3000)).toBe(
      true,
    );
    for (const p of probes) expect(await p.countFor(1000)).toBeGreaterThan(15);
    // crossed media would show up as packets from the wrong fs-sim port; each probe hears its own leg's port
    const reinviteSdpPorts = [...caller.reinvites(), ...callee.reinvites()].map((s) =>
      Number(/m=audio (\d+)/.exec(s.request.body)?.[1]),
    );
    for (const p of probes) expect(reinviteSdpPorts).toContain(p.lastFrom?.port);
    expect(
      await until(async () => (await client.query('SELECT 1 FROM recovery')).rows.length === 4, 2000),
    ).toBe(true);
    // a second crash/recover cycle works on the re-inserted rows (swapped From/To stay right)
    await fs.api('fsctl crash').catch(() => 'connection closed');
    await fs.exited;
    fs = await node(spec);
    expect(await fs.api('fsctl recover')).toBe('+OK 4 session(s) recovered in total\n');
    expect(await until(() => caller.reinvites().length === 6 && callee.reinvites().length === 2, 3000)).toBe(
      true,
    );
    for (const p of probes) expect(await p.countFor(1000)).toBeGreaterThan(15);
    const second = caller.reinvites().slice(3);
    for (const s of second) expect(s.request.headers.get('To')).toContain('sipp@');
    // the caller hangs up the bridged call: fs-sim ends the B-leg with BYE, and (a sofia quirk the crash2
    // pcap shows) that BYE carries the stored recover Via literally, branch of the previous INVITE included
    expect(await caller.bye(calls[2] as NonNullable<(typeof calls)[2]>)).toBe(200);
    expect(await until(() => callee.seen.some((s) => s.request.method === 'BYE'), 3000)).toBe(true);
    const byeVia = callee.seen.find((s) => s.request.method === 'BYE')?.request.headers.get('Via') ?? '';
    const branch = (v: string | undefined) => /branch=([^;]+)/.exec(v ?? '')?.[1];
    expect(branch(byeVia)).toBe(branch(callee.reinvites()[0]?.request.headers.get('Via')));
    expect(
      await until(async () => (await client.query('SELECT 1 FROM recovery')).rows.length === 2, 2000),
    ).toBe(true);
  });

  it("fidelity: shared-table hazard: fsctl recover on node B takes node A's live call", async () => {
    const { dsn } = await freshDb();
    const a = await node({ name: 'fs-a', ip: NODE_A, pg: dsn });
    const b = await node({ name: 'fs-b', ip: NODE_B, pg: dsn, rtpStart: 21_000, rtpEnd: 21_999 });
    const caller = await ua(5070);
    const call = await caller.call({ address: NODE_A, port: 5060 }, '1000');
    await new Promise((r) => setTimeout(r, 600)); // row written
    expect(await b.api('fsctl recover')).toBe('+OK 1 session(s) recovered in total\n');
    expect(await until(() => caller.reinvites().length === 1, 2000)).toBe(true);
    const re = caller.reinvites()[0];
    expect(re?.source.address).toBe(NODE_B);
    expect(re?.request.headers.get('Call-ID')).toBe(call.callId);
    // B re-binds A's media address and port: both processes now hold it
    expect(re?.request.body).toContain(`c=IN IP4 ${NODE_A}`);
    expect(re?.request.body).toContain(`m=audio ${call.probe.remote?.port} RTP/AVP 0 101 13`);
    expect(await a.api('show calls')).toMatch(/\n1 total\.\n$/); // A keeps a zombie channel
    expect(await b.api('show calls')).toMatch(/\n1 total\.\n$/);
  });

  it('fidelity: standby answers INVITE and OPTIONS with 503 System Paused; fsctl recover keeps it, sofia recover clears it', async () => {
    const { dsn, client } = await freshDb();
    const fs = await node({ name: 'fs-b', ip: NODE_A, pg: dsn });
    const caller = await ua(5070);
    expect(await fs.api('sofia global standby on')).toMatch(/^\+OK/);
    await expect(caller.call({ address: NODE_A, port: 5060 }, '1000')).rejects.toThrow(/503/);
    const { makeRequest } = await import('../src/sip/sip-message.js');
    const options = makeRequest('OPTIONS', `sip:1000@${NODE_A}:5060`, [
      ['From', `<sip:probe@${UA_IP}:5070>;tag=p1`],
      ['To', `<sip:1000@${NODE_A}:5060>`],
      ['Call-ID', `opt-${Date.now()}`],
      ['CSeq', '1 OPTIONS'],
    ]);
    const opt = await caller.endpoint.request(options, { destination: { address: NODE_A, port: 5060 } })
      .final;
    expect(`${opt.response.status} ${opt.response.reason}`).toBe('503 System Paused');
    // a moved row (foreign runtime) is recovered by fsctl recover, standby stays on
    await insertRows(
      client,
      fixtureRows('recovery/recovery-crash2-before.tsv', '127.0.0.2', '127.0.0.1', NODE_A).slice(3, 4),
    );
    expect(await fs.api('fsctl recover')).toBe('+OK 1 session(s) recovered in total\n');
    await expect(caller.call({ address: NODE_A, port: 5060 }, '1000')).rejects.toThrow(/503/);
    expect(await fs.api('sofia recover')).toBe('No calls to recover.\n');
    const call = await caller.call({ address: NODE_A, port: 5060 }, '1000');
    expect(call.response.status).toBe(200);
    // sofia profile P recover: "Recovered N call(s)" and the CUSTOM sofia::recovery_recovered event
    const tap = await EslEventTap.open(fs.spec.eslPort, 'ClueCon', 'CUSTOM sofia::recovery_recovered');
    cleanup.push(async () => tap.close());
    await insertRows(
      client,
      fixtureRows('recovery/recovery-crash2-before.tsv', '127.0.0.2', '127.0.0.1', NODE_A).slice(5, 6),
    );
    expect(await fs.api('sofia profile internal recover')).toBe('Recovered 1 session(s)\n');
    expect(await until(() => tap.events.length === 1, 2000)).toBe(true);
    expect(tap.events[0]).toMatchObject({
      'Event-Name': 'CUSTOM',
      'Event-Subclass': 'sofia::recovery_recovered',
      recovered_calls: '1',
    });
  });

  it('fidelity: sofia recover flush deletes every row of the profile (all hosts, live ones too); fsctl recover flush deletes nothing', async () => {
    const { dsn, client } = await freshDb();
    const fs = await node({ name: 'fs-a', ip: NODE_A, pg: dsn });
    const caller = await ua(5070);
    await caller.call({ address: NODE_A, port: 5060 }, '1000');
    await insertRows(
      client,
      fixtureRows('recovery/recovery-crash2-before.tsv', '127.0.0.2', '127.0.0.1', NODE_B),
    );
    const count = async () => Number((await client.query('SELECT count(*) AS n FROM recovery')).rows[0]?.n);
    expect(await until(async () => (await count()) === 7, 2000)).toBe(true);
    expect(await fs.api('fsctl recover flush')).toBe('+OK flushed\n');
    expect(await count()).toBe(7);
    expect(await fs.api('sofia recover flush')).toMatch(/flush/i);
    expect(await count()).toBe(0);
  });

  it('fidelity: a row whose media IP is not local dies silently (no SIP) and still counts as recovered', async () => {
    const { dsn, client } = await freshDb();
    const fs = await node({ name: 'fs-b', ip: NODE_A, pg: dsn });
    const caller = await ua(5070);
    const rows = fixtureRows('recovery/recovery-crash2-before.tsv', '127.0.0.2', '127.0.0.1', NODE_A).slice(
      3,
      4,
    );
    for (const r of rows)
      r.metadata = r.metadata.replace(/<local_media_ip>[^<]*</, '<local_media_ip>192.0.2.99<');
    await insertRows(client, rows);
    expect(await fs.api('fsctl recover')).toBe('+OK 1 session(s) recovered in total\n');
    await new Promise((r) => setTimeout(r, 1500));
    expect(caller.seen).toHaveLength(0);
    expect((await client.query('SELECT 1 FROM recovery')).rows.length).toBe(0);
    expect(fs.logs.join('\n')).toMatch(/cannot bind 192\.0\.2\.99/);
  });

  it('fidelity: a bridged leg whose partner is not recovered answers its re-INVITE and then sits without media', async () => {
    const { dsn, client } = await freshDb();
    const fs = await node({ name: 'fs-b', ip: NODE_A, pg: dsn, timing: { partnerWaitMs: 1000 } });
    const caller = await ua(5072);
    // only the A-leg of the first bridge (uuid 0332…): its B-leg stays elsewhere
    const rows = fixtureRows('recovery/recovery-crash2-before.tsv', '127.0.0.2', '127.0.0.1', NODE_A).filter(
      (r) => r.uuid.startsWith('0332c2cf'),
    );
    await insertRows(client, rows);
    expect(await fs.api('fsctl recover')).toBe('+OK 1 session(s) recovered in total\n');
    expect(await until(() => caller.reinvites().length === 1, 2000)).toBe(true);
    expect(await until(() => caller.seen.some((s) => s.request.method === 'ACK'), 3000)).toBe(true);
    const probe = [...caller.media.values()][0];
    expect(await probe?.countFor(1500)).toBe(0);
    expect(await fs.api('show calls')).toMatch(/\n1 total\.\n$/);
  });

  it('fidelity: SIGTERM hangs up with BYE and deletes the rows; SIGKILL leaves them', async () => {
    const { dsn, client } = await freshDb();
    const spec = { name: 'fs-a', ip: NODE_A, pg: dsn };
    const caller = await ua(5070);
    let fs = await node(spec);
    await caller.call({ address: NODE_A, port: 5060 }, '1000');
    const count = async () => Number((await client.query('SELECT count(*) AS n FROM recovery')).rows[0]?.n);
    expect(await until(async () => (await count()) === 1, 2000)).toBe(true);
    expect(await fs.kill('SIGTERM')).toBe(0);
    expect(caller.seen.filter((s) => s.request.method === 'BYE')).toHaveLength(1);
    expect(await count()).toBe(0);
    fs = await node(spec);
    await caller.call({ address: NODE_A, port: 5060 }, '1000');
    expect(await until(async () => (await count()) === 1, 2000)).toBe(true);
    await fs.kill('SIGKILL');
    expect(caller.seen.filter((s) => s.request.method === 'BYE')).toHaveLength(1);
    expect(await count()).toBe(1);
  });

  it('fidelity: an unanswered recovery re-INVITE is sent at 0,1,3,7,15,31 s and the leg goes at 32 s without BYE', async () => {
    const { dsn, client } = await freshDb();
    const fs = await node({ name: 'fs-b', ip: NODE_A, pg: dsn });
    // a raw socket: a SIP stack would absorb the retransmissions in its server transaction
    const heard: Array<{ atMs: number; line: string }> = [];
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((r) => sock.bind(5070, UA_IP, () => r()));
    cleanup.push(async () => sock.close());
    sock.on('message', (m) =>
      heard.push({ atMs: performance.now(), line: m.toString().split('\r\n')[0] ?? '' }),
    );
    await insertRows(
      client,
      fixtureRows('recovery/recovery-crash2-before.tsv', '127.0.0.2', '127.0.0.1', NODE_A).slice(3, 4),
    );
    expect(await fs.api('fsctl recover')).toBe('+OK 1 session(s) recovered in total\n');
    await new Promise((r) => setTimeout(r, 34_000));
    const sends = heard.filter((h) => h.line.startsWith('INVITE ')).map((h) => h.atMs / 1000);
    expect(sends).toHaveLength(6);
    const first = sends[0] ?? 0;
    expect(sends.map((t) => Math.round(t - first))).toEqual([0, 1, 3, 7, 15, 31]);
    expect(heard.filter((h) => !h.line.startsWith('INVITE '))).toHaveLength(0); // no BYE, nothing else
    expect(await fs.api('show calls')).toMatch(/\n0 total\.\n$/);
    expect((await client.query('SELECT 1 FROM recovery')).rows.length).toBe(0);
  }, 60_000);

  const TSV_FILES = ['recovery', 'per-node'].flatMap((d) =>
    readdirSync(join(FIX, d))
      .filter((f) => f.endsWith('.tsv'))
      .map((f) => `${d}/${f}`),
  );
  it.each(TSV_FILES)(
    'fidelity: every row of %s parses and recovers in fs-sim (re-INVITE answered, row re-inserted)',
    async (tsv) => {
      const { dsn, client } = await freshDb();
      const fs = await node({ name: 'fs-a', ip: NODE_A, pg: dsn });
      const uas = await Promise.all([5070, 5072, 5074, 5080].map((p) => ua(p)));
      const file = `${FIX}/${tsv}`;
      let text = readFileSync(file, 'utf8');
      for (const old of ['127.0.0.2', '127.0.0.3']) text = rewriteIp(text, old, NODE_A);
      for (const old of ['127.0.0.1', '127.0.0.11']) text = rewriteIp(text, old, UA_IP);
      const rows = parseRecoveryTsv(text, file);
      for (const r of rows) parseRecoveryRow(r);
      await insertRows(client, rows);
      expect(await fs.api('fsctl recover')).toBe(`+OK ${rows.length} session(s) recovered in total\n`);
      const got = () => uas.flatMap((u) => u.reinvites());
      expect(await until(() => got().length === rows.length, 3000)).toBe(true);
      expect(new Set(got().map((s) => s.request.headers.get('Call-ID')))).toEqual(
        new Set(rows.map((r) => parseRecoveryRow(r).callId)),
      );
      expect(
        await until(async () => {
          const after = await client.query('SELECT runtime_uuid FROM recovery');
          return (
            after.rows.length === rows.length &&
            after.rows.every((x) => !rows.some((r) => r.runtime_uuid === x.runtime_uuid))
          );
        }, 3000),
      ).toBe(true);
    },
  );

  it("fidelity: per-node roles: no steal while A lives; after kill -9 the reference migration moves A's legs and B recovers them", async () => {
    const db = await pgServer.createDatabase(`pernode${++dbSeq}`);
    const setup = readFileSync(`${FIX}/per-node/setup-roles-schemas.sql`, 'utf8')
      .split('\n')
      .filter((l) => !/^(CREATE DATABASE|\\c )/.test(l))
      .join('\n')
      // roles are cluster-wide: create them once, whatever ran before
      .replace(
        /CREATE ROLE (\w+)/g,
        (m, r) => `DO $$BEGIN ${m} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END$$; ALTER ROLE ${r}`,
      );
    await pgServer.exec(setup, db);
    await pgServer.exec(readFileSync(`${FIX}/per-node/migrate-function.reference.sql`, 'utf8'), db);
    const dsn = (role: string) => `postgres://${role}:${role}@127.0.0.1:${pgServer.port}/${db}`;
    const a = await node({ name: 'fs-a', ip: NODE_A, pg: dsn('fs_a'), bridgeTarget: `uas@${UA_IP}:5080` });
    const b = await node({ name: 'fs-b', ip: NODE_B, pg: dsn('fs_b'), rtpStart: 21_000, rtpEnd: 21_999 });
    const caller = await ua(5070);
    const callee = await ua(5080);
    const own = await ua(5074);
    const moved = [
      await caller.call({ address: NODE_A, port: 5060 }, '1000'),
      await caller.call({ address: NODE_A, port: 5060 }, '2000'),
    ];
    const bCall = await own.call({ address: NODE_B, port: 5060 }, '1000');
    await new Promise((r) => setTimeout(r, 700)); // rows written
    expect(await b.api('fsctl recover')).toBe('+OK 0 session(s) recovered in total\n'); // B cannot read fs_a
    expect(caller.reinvites()).toHaveLength(0);

    await a.kill('SIGKILL');
    const ha = new pg.Client(pgServer.config('fs_ha', db));
    await ha.connect();
    cleanup.push(() => ha.end());
    const n = await ha.query("SELECT ha.zerodrop_migrate('fs_a', 'fs_b', $1, $2, 'fs-a', 'fs-b') AS n", [
      NODE_A,
      NODE_B,
    ]);
    expect(n.rows[0]?.n).toBe(3);
    expect(await b.api('fsctl recover')).toBe('+OK 3 session(s) recovered in total\n');
    expect(await until(() => caller.reinvites().length === 2 && callee.reinvites().length === 1, 3000)).toBe(
      true,
    );
    for (const s of [...caller.reinvites(), ...callee.reinvites()]) {
      expect(s.source.address).toBe(NODE_B);
      expect(s.request.body).toContain(`c=IN IP4 ${NODE_B}`);
      expect(s.request.headers.get('Via')).toContain(`SIP/2.0/UDP ${NODE_B}`);
    }
    const blegProbe = [...callee.media.values()][0];
    for (const p of [...moved.map((c) => c.probe), blegProbe])
      expect(await p?.countFor(1000)).toBeGreaterThan(15);
    // B's own call got no SIP and kept its media
    expect(own.reinvites()).toHaveLength(0);
    expect(await bCall.probe.countFor(500)).toBeGreaterThan(8);
  });

  it('fidelity: conference members hear each other, and come back together after crash/restart/recover', async () => {
    const { dsn } = await freshDb();
    const spec = { name: 'fs-a', ip: NODE_A, pg: dsn };
    let fs = await node(spec);
    const caller = await ua(5070);
    const members = [
      await caller.call({ address: NODE_A, port: 5060 }, '3000'),
      await caller.call({ address: NODE_A, port: 5060 }, '3000'),
    ];
    for (const m of members) expect(await m.probe.countFor(600)).toBeGreaterThan(8);
    // media reaches each member from its own leg's port (the conference mixes the other member in)
    expect(members[0]?.probe.lastFrom?.port).toBe(members[0]?.probe.remote?.port);
    await new Promise((r) => setTimeout(r, 500));
    await fs.api('fsctl crash').catch(() => 'connection closed');
    await fs.exited;
    fs = await node(spec);
    expect(await fs.api('fsctl recover')).toBe('+OK 2 session(s) recovered in total\n');
    expect(await until(() => caller.reinvites().length === 2, 3000)).toBe(true);
    for (const m of members) expect(await m.probe.countFor(1000)).toBeGreaterThan(15);
  });
});
