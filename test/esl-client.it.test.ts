// The ESL client against fs-sim's ESL server (a real component, run here in-process or bundled in a
// child process the way fs-sim ships it), plus peers that misbehave: silent, killed, frozen.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EslServer } from '../lab/fs-sim/esl/esl-server.js';
import { pollUntil } from '../src/common/wait.js';
import { EslClient } from '../src/freeswitch/esl-client.js';
import { EslEndpoint } from '../src/freeswitch/esl-endpoint.js';

const PASSWORD = 'lab-secret';
const identity = { coreUuid: 'core-1', hostname: 'fs-a', switchname: 'fs-a', ipv4: '127.0.0.1' };
const STATUS =
  'UP 0 years, 0 days, 0 hours, 0 minutes, 7 seconds, 250 milliseconds, 0 microseconds\n' +
  'fs-sim (Version 0.1.0) is ready\n3 session(s) since startup\n2 session(s) - peak 2, last 5min 2\n';

/** A node whose commands the test controls: `hang` never answers, `recover` counts the queued legs. */
function simNode() {
  const state = { legs: 0, standby: false };
  const server: EslServer = new EslServer({
    password: PASSWORD,
    identity,
    authTimeoutMs: 2_000,
    handler: async (cmd, args) => {
      const line = `${cmd} ${args}`.trim();
      if (line === 'status') return STATUS;
      if (line === 'hang') return new Promise<string>(() => {});
      if (line === 'fsctl recover') return `+OK ${state.legs} session(s) recovered in total\n`;
      if (line === 'sofia recover') {
        const n = state.legs;
        setTimeout(() => {
          server.publish({
            name: 'CUSTOM',
            subclass: 'sofia::recovery_recovered',
            headers: { recovered_calls: String(n) },
          });
        }, 5);
        return n ? `Recovered ${n} call(s)\n` : 'No calls to recover.\n';
      }
      if (line === 'sofia global standby on') {
        state.standby = true;
        return '+OK Global standby on';
      }
      if (line === 'show calls') return '\n0 total.\n';
      return `-ERR ${cmd} Command not found!\n`;
    },
  });
  return { server, state };
}

describe('ESL client against the fs-sim ESL server', () => {
  const node = simNode();
  let port = 0;
  const clients: EslClient[] = [];
  const connect = async (over: Partial<Parameters<typeof EslClient.connect>[0]> = {}) => {
    const r = await EslClient.connect({ host: '127.0.0.1', port, password: PASSWORD, ...over });
    if (r.value) clients.push(r.value);
    return r;
  };
  beforeAll(async () => {
    port = (await node.server.listen(0, '127.0.0.1')).port;
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
  });
  afterAll(() => node.server.close());

  it('authenticates with the right password and rejects a wrong one without hanging', async () => {
    const good = await connect();
    expect(good.ok).toBe(true);
    const bad = await connect({ password: 'wrong' });
    expect(bad).toMatchObject({ ok: false, timedOut: false });
    expect(bad.error).toMatch(/authentication rejected \(-ERR invalid\)/);
    expect(bad.durationMs).toBeLessThan(1_000);
  });

  it('runs api commands and parses status, recover counts and -ERR replies', async () => {
    const c = (await connect()).value!;
    const status = await c.status();
    expect(status.value).toEqual({
      ready: true,
      sessions: 2,
      uptimeMs: 7_250,
      identity: 'fs-sim (Version 0.1.0) is ready',
    });
    node.state.legs = 4;
    expect((await c.fsctlRecover()).value).toMatchObject({ recovered: 4, flushed: false });
    const unknown = await c.api('nosuch thing');
    expect(unknown).toMatchObject({ ok: false, timedOut: false, error: '-ERR nosuch Command not found!' });
    expect(c.lost).toBeUndefined(); // an -ERR reply leaves the connection usable
    expect((await c.showCalls()).value).toEqual({ count: 0, rows: [] });
    expect((await c.sofiaStandby(true)).value).toBe('+OK Global standby on');
    expect(node.state.standby).toBe(true);
  });

  it('times out a command the server never answers, reports the connection lost, and fails later calls at once', async () => {
    const c = (await connect()).value!;
    const lostEvents: string[] = [];
    c.onLost((l) => lostEvents.push(l.reason));
    const r = await c.api('hang', { timeoutMs: 300 });
    expect(r).toMatchObject({ ok: false, timedOut: true });
    expect(r.durationMs).toBeGreaterThanOrEqual(290);
    expect(r.durationMs).toBeLessThan(800);
    expect(lostEvents).toEqual(['timeout']);
    const after = await c.status();
    expect(after).toMatchObject({ ok: false, timedOut: false, durationMs: 0 });
    expect(after.error).toMatch(/connection lost \(timeout/);
  });

  it('aborting a call through its AbortSignal ends it at once', async () => {
    const c = (await connect()).value!;
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const r = await c.api('hang', { timeoutMs: 10_000, signal: ac.signal });
    expect(r).toMatchObject({ ok: false, timedOut: false, error: 'api hang: aborted' });
    expect(r.durationMs).toBeLessThan(1_000);
    expect(c.lost?.reason).toBe('aborted');
  });

  it('bgapi returns the BACKGROUND_JOB body for its own Job-UUID', async () => {
    const c = (await connect()).value!;
    const r = await c.bgapi('status');
    expect(r.ok).toBe(true);
    expect(r.value?.jobUuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.value?.body).toBe(STATUS);
  });

  it('a subscription receives CUSTOM sofia::recovery_recovered with recovered_calls', async () => {
    const c = (await connect()).value!;
    expect((await c.subscribe(['CHANNEL_ANSWER', 'CUSTOM', 'sofia::recovery_recovered'])).ok).toBe(true);
    node.state.legs = 3;
    const event = c.waitForEvent((e) => e.subclass === 'sofia::recovery_recovered', { timeoutMs: 2_000 });
    const rec = await c.sofiaRecover();
    expect(rec.value).toMatchObject({ recovered: 3, text: 'Recovered 3 call(s)' });
    const ev = await event;
    expect(ev.ok).toBe(true);
    expect(ev.value?.headers.recovered_calls).toBe('3');
    expect(ev.value?.headers['FreeSWITCH-Switchname']).toBe('fs-a');
    // A subscriber to other events only does not get it.
    const other = (await connect()).value!;
    await other.subscribe(['CHANNEL_ANSWER']);
    const none = other.waitForEvent(() => true, { timeoutMs: 300 });
    await c.sofiaRecover();
    expect(await none).toMatchObject({ ok: false, timedOut: true });
    expect(other.lost).toBeUndefined(); // waiting for an event that never comes does not kill the connection
  });

  it('the server refuses commands before auth and hangs up on a client that never authenticates', async () => {
    const raw = new Socket();
    let got = '';
    raw.on('data', (d: Buffer) => {
      got += d.toString();
    });
    const closed = new Promise<number>((res) => raw.once('close', () => res(performance.now())));
    raw.connect(port, '127.0.0.1');
    const t0 = performance.now();
    raw.write('api status\n\n');
    const closedAt = await closed;
    expect(got).toMatch(
      /^Content-Type: auth\/request\n\nContent-Type: command\/reply\nReply-Text: -ERR command not found\n\n/,
    );
    expect(got).toMatch(/Content-Type: text\/disconnect-notice\n/);
    expect(got).not.toMatch(/api\/response/);
    expect(closedAt - t0).toBeGreaterThanOrEqual(1_900); // authTimeoutMs 2 000
    expect(closedAt - t0).toBeLessThan(3_000);
  });

  it('the server closes the connection on `exit` with a disconnect notice; the client sees it as lost', async () => {
    const c = (await connect()).value!;
    await c.close();
    expect(c.lost?.reason).toBe('local-close');
    await new Promise((r) => setTimeout(r, 50));
    expect(node.server.connectionCount).toBe(0);
  });
});

describe('ESL client against peers that misbehave', () => {
  let silent: Server;
  const accepted: Socket[] = [];
  beforeAll(async () => {
    silent = createServer((s) => accepted.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    for (const s of accepted) s.destroy();
    await new Promise((r) => silent.close(r));
  });

  it('a socket that accepts and never speaks: connect fails within its timeout', async () => {
    const port = (silent.address() as { port: number }).port;
    const r = await EslClient.connect({ host: '127.0.0.1', port, password: PASSWORD, connectTimeoutMs: 400 });
    expect(r).toMatchObject({ ok: false, timedOut: true });
    expect(r.durationMs).toBeLessThan(1_000);
    expect(r.error).toMatch(/no reply within 400 ms/);
  });

  it('a port nobody listens on: connect fails at once, not a timeout', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const r = await EslClient.connect({ host: '127.0.0.1', port, password: PASSWORD });
    expect(r).toMatchObject({ ok: false, timedOut: false });
    expect(r.error).toMatch(/ECONNREFUSED/);
  });
});

describe('ESL client against fs-sim ESL server bundled and run as its own process', () => {
  let dir = '';
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'esl-peer-'));
    const entry = join(dir, 'peer.ts');
    writeFileSync(
      entry,
      `import { EslServer } from ${JSON.stringify(resolve('lab/fs-sim/esl/esl-server.ts'))};
       const s = new EslServer({ password: 'p', identity: { coreUuid: 'c', hostname: 'h', switchname: 's', ipv4: '127.0.0.1' },
         handler: async (cmd, args) => cmd === 'fsctl' && args === 'crash' ? process.kill(process.pid, 'SIGKILL') : cmd === 'slow' ? new Promise((r) => setTimeout(() => r('+OK late'), 60_000)) : '+OK ' + cmd });
       s.listen(0, '127.0.0.1').then((a) => console.log(JSON.stringify(a)));`,
    );
    // Bundled the way fs-sim ships it: Node 18 target, node: built-ins only (external nothing else).
    await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      target: 'node18',
      format: 'esm',
      outfile: join(dir, 'peer.mjs'),
      logLevel: 'silent',
    });
  });
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  const startPeer = async (): Promise<{ proc: ChildProcess; port: number }> => {
    const proc = spawn(process.execPath, [join(dir, 'peer.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
    child = proc;
    const line = await new Promise<string>((res, rej) => {
      proc.stdout?.once('data', (d: Buffer) => res(d.toString()));
      proc.once('exit', (code) => rej(new Error(`peer exited ${code}`)));
    });
    return { proc, port: (JSON.parse(line) as { port: number }).port };
  };

  it('a peer killed mid-command: the call ends as a lost connection, quickly, not as a timeout', async () => {
    const { proc, port } = await startPeer();
    const c = (await EslClient.connect({ host: '127.0.0.1', port, password: 'p' })).value!;
    expect((await c.api('ping')).value).toBe('+OK ping');
    const pending = c.api('slow', { timeoutMs: 10_000 });
    setTimeout(() => proc.kill('SIGKILL'), 100);
    const r = await pending;
    expect(r).toMatchObject({ ok: false, timedOut: false });
    expect(r.error).toMatch(/connection lost \((closed|error)/);
    expect(r.durationMs).toBeLessThan(2_000);
    expect(c.lost?.reason).toMatch(/closed|error/);
  });

  it('fsctl crash: ok once the node drops the connection without a reply', async () => {
    const { proc, port } = await startPeer();
    const c = (await EslClient.connect({ host: '127.0.0.1', port, password: 'p' })).value!;
    const r = await c.fsctlCrash({ timeoutMs: 3_000 });
    expect(r).toMatchObject({ ok: true, timedOut: false });
    await new Promise((res) => proc.once('exit', res));
    expect(proc.signalCode).toBe('SIGKILL');
  });

  it('a frozen peer (SIGSTOP, like docker pause): the call times out and the connection is reported lost', async () => {
    const { proc, port } = await startPeer();
    const c = (await EslClient.connect({ host: '127.0.0.1', port, password: 'p' })).value!;
    const lost: string[] = [];
    c.onLost((l) => lost.push(l.reason));
    proc.kill('SIGSTOP');
    try {
      const r = await c.status({ timeoutMs: 500 });
      expect(r).toMatchObject({ ok: false, timedOut: true });
      expect(r.durationMs).toBeLessThan(1_500);
      expect(lost).toEqual(['timeout']);
    } finally {
      proc.kill('SIGCONT');
    }
  });

  it('an idle connection to a frozen peer is noticed by the liveness probe', async () => {
    const { proc, port } = await startPeer();
    const c = (await EslClient.connect({ host: '127.0.0.1', port, password: 'p', probeIntervalMs: 200 }))
      .value!;
    const lostAt = new Promise<string>((res) => c.onLost((l) => res(l.reason)));
    proc.kill('SIGSTOP');
    try {
      const reason = await Promise.race([
        lostAt,
        new Promise((r) => setTimeout(() => r('still connected'), 2_000)),
      ]);
      expect(reason).toBe('timeout');
    } finally {
      proc.kill('SIGCONT');
    }
  });
});

describe('ESL endpoint: one connection per node, made again after the node comes back', () => {
  it('recovers, notices the crash, probes false while down, reconnects after restart', async () => {
    const first = simNode();
    const { port } = await first.server.listen(0, '127.0.0.1');
    const ep = new EslEndpoint({ host: '127.0.0.1', port, password: PASSWORD, connectTimeoutMs: 1_000 });
    const lost: string[] = [];
    ep.onLost((l) => lost.push(l.reason));
    try {
      first.state.legs = 5;
      expect(await ep.recover()).toMatchObject({ ok: true, value: 5 });
      expect(await ep.probe()).toBe(true);
      await first.server.destroy(); // crash: sockets cut, nothing listening
      await pollUntil(async () => (lost.length > 0 ? true : undefined), { timeoutMs: 1_000 });
      expect(lost).toEqual(['closed']);
      expect(await ep.probe()).toBe(false);
      const down = await ep.recover();
      expect(down).toMatchObject({ ok: false, timedOut: false });
      expect(down.error).toMatch(/ECONNREFUSED/);
      const second = simNode();
      await second.server.listen(port, '127.0.0.1');
      try {
        expect(await ep.probe()).toBe(true);
        second.state.legs = 2;
        expect(await ep.recover()).toMatchObject({ ok: true, value: 2 });
      } finally {
        await ep.close();
        await second.server.close();
      }
      expect(lost).toEqual(['closed']); // close() is not a loss
    } finally {
      await ep.close();
    }
  });
});
