// A farm lab against real containers: every service ready, reachable from the host, host operations, clean teardown.
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../src/lab/docker-runtime.js';
import { Lab } from '../src/lab/lab.js';
import { type LabAddresses, rtpPortRange } from '../src/lab/lab-addresses.js';
import { labLabel } from '../src/lab/lab-teardown.js';
import { ngRequest } from '../src/lab/ng-client.js';
import { sipOptionsProbe } from '../src/lab/sip-options-probe.js';
import type { StartedLab, StoppedLab } from '../src/lab/started-lab.js';
import { renderPostgresInit } from '../src/recovery/render-postgres-init.js';

const nodes = ['fs1', 'fs2', 'fs3'];
// recovery's per-node layout: role fs_<node> (password = role name in a lab), schema fs_<node>, search_path on it.
const initSql = (a: LabAddresses) =>
  renderPostgresInit({
    layout: 'per-node',
    nodes: nodes.map((node, i) => ({
      node,
      switchname: node,
      sipIp: a.freeswitch[i] ?? `${a.subnet.slice(0, -4)}${41 + i}`,
      mediaIp: a.freeswitch[i] ?? `${a.subnet.slice(0, -4)}${41 + i}`,
      profile: 'internal',
      rtpPortMin: rtpPortRange(i + 1).min,
      rtpPortMax: rtpPortRange(i + 1).max,
      state: 'up' as const,
    })),
  }).sql;

const query = async (host: string, user: string, sql: string) => {
  const client = new pg.Client({
    host,
    user,
    password: user,
    database: 'freeswitch',
    connectionTimeoutMillis: 2_000,
  });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
};

describe('farm lab', () => {
  let runtime: DockerRuntime;
  let lab: StartedLab;
  let stopped: StoppedLab | undefined;
  const logsDir = join(tmpdir(), `zd-it-farm-${process.pid}`);

  beforeAll(async () => {
    runtime = await DockerRuntime.connect();
    lab = await new Lab({ topology: 'farm', postgres: { initSql }, logsDir }).start();
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('runs PostgreSQL, RTPEngine and Kamailio at their fixed addresses on an internal 198.19.<n>.0/24', async () => {
    expect(lab.hosts.map((h) => `${h.name}=${h.ip.split('.').at(-1)}`).sort()).toEqual([
      'pg=10',
      'proxy=20',
      'rtpengine=30',
    ]);
    expect(lab.addresses.subnet).toMatch(/^198\.19\.\d+\.0\/24$/);
    const [net] = await runtime.listNetworks(labLabel, lab.id);
    expect(net).toMatchObject({ subnet: lab.addresses.subnet, internal: true });
    // Docker adds a default route even on an internal network; the runtime removes it: no host has a route out.
    for (const h of lab.hosts) {
      const routes = await h.exec('ip -4 route');
      expect(routes.stdout).not.toMatch(/default/);
      expect(routes.stdout).toContain(lab.addresses.subnet);
    }
  });

  it('the proxy answers SIP OPTIONS from the host with 200', async () => {
    expect(await sipOptionsProbe(lab.addresses.proxy, 5060, { timeoutMs: 2_000 })).toBe(200);
  });

  it('RTPEngine answers an ng offer with an SDP anchored on itself', async () => {
    const sdp = [
      'v=0',
      `o=- 1 1 IN IP4 ${lab.addresses.gateway}`,
      's=-',
      `c=IN IP4 ${lab.addresses.gateway}`,
      't=0 0',
      'm=audio 40000 RTP/AVP 0',
      'a=rtpmap:0 PCMU/8000',
      '',
    ].join('\r\n');
    const reply = await ngRequest(
      lab.addresses.rtpengine,
      2223,
      { command: 'offer', 'call-id': `it-${Date.now()}`, 'from-tag': 'a1', sdp, flags: ['trust-address'] },
      { timeoutMs: 2_000 },
    );
    expect(reply.result).toBe('ok');
    expect(String(reply.sdp)).toContain(`c=IN IP4 ${lab.addresses.rtpengine}`);
    const port = Number(/m=audio (\d+) /.exec(String(reply.sdp))?.[1]);
    expect(port).toBeGreaterThanOrEqual(10_000);
    expect(port).toBeLessThanOrEqual(19_999);
  });

  it('PostgreSQL has one role and one schema per node, each role on its own search_path', async () => {
    for (const n of nodes) {
      const [row] = await query(
        lab.addresses.postgres,
        `fs_${n}`,
        'select current_user as u, current_schema() as s',
      );
      expect(row).toEqual({ u: `fs_${n}`, s: `fs_${n}` });
    }
  });

  it('a stopped PostgreSQL starts again with its data (no second initdb)', async () => {
    const pgHost = lab.host('pg');
    expect((await pgHost.stop(5)).ok).toBe(true);
    expect((await pgHost.state()).status).toBe('exited');
    expect((await pgHost.start()).ok).toBe(true);
    await lab
      .host('pg')
      .exec('for i in $(seq 100); do pg_isready -q -h /run/postgresql && exit 0; sleep 0.1; done; exit 1');
    const [row] = await query(lab.addresses.postgres, 'fs_fs2', 'select current_schema() as s');
    expect(row).toEqual({ s: 'fs_fs2' });
  });

  it('pause freezes the proxy and unpause brings it back; disconnect cuts it off and reconnect restores its IP', async () => {
    const proxy = lab.host('proxy');
    expect((await proxy.pause()).ok).toBe(true);
    await expect(sipOptionsProbe(lab.addresses.proxy, 5060, { timeoutMs: 500 })).rejects.toThrow(
      /no response/,
    );
    expect((await proxy.unpause()).ok).toBe(true);
    expect(await sipOptionsProbe(lab.addresses.proxy, 5060, { timeoutMs: 2_000 })).toBe(200);
    expect((await proxy.disconnect()).ok).toBe(true);
    await expect(sipOptionsProbe(lab.addresses.proxy, 5060, { timeoutMs: 500 })).rejects.toThrow(
      /no response|EHOSTUNREACH/,
    );
    expect((await proxy.reconnect()).ok).toBe(true);
    expect(await sipOptionsProbe(lab.addresses.proxy, 5060, { timeoutMs: 2_000 })).toBe(200);
    expect((await proxy.exec('ip -4 route')).stdout).not.toMatch(/default/);
  });

  it('kill ends a host at once and is reported as a result, not a throw', async () => {
    const rtpengine = lab.host('rtpengine');
    expect((await rtpengine.kill('SIGKILL')).ok).toBe(true);
    expect((await rtpengine.state()).status).toBe('exited');
    const again = await rtpengine.kill('SIGKILL'); // not running any more
    expect(again.ok).toBe(false);
    expect(again.error).toMatch(/rtpengine: kill/);
  });

  it('teardown saves every log and leaves no container or network behind (checked through the Docker API)', async () => {
    stopped = await lab.stop();
    expect(stopped.containers).toBe(3);
    expect(await runtime.listContainers(labLabel, lab.id)).toEqual([]);
    expect(await runtime.listNetworks(labLabel, lab.id)).toEqual([]);
    expect((await readdir(logsDir)).sort()).toEqual(['pg.log', 'proxy.log', 'rtpengine.log']);
  });
});
