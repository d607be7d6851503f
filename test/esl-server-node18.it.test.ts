// fs-sim's ESL server on the wire, as it ships: bundled by esbuild for Node 18 and run inside the lab
// image (Debian's Node 18, no network), talked to with raw bytes; and the real-FreeSWITCH readiness
// wait against it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { EslServer } from '../lab/fs-sim/esl/esl-server.js';
import { isReadinessTimeoutError } from '../src/common/errors.js';
import { pollUntil } from '../src/common/wait.js';
import { eslReadiness } from '../src/freeswitch/real-freeswitch-role.js';
import { labImageTag } from '../src/lab/image-build.js';
import type { ReadinessContext } from '../src/lab/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'esl-node18-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function labImage(): string {
  const want = labImageTag();
  const present = execFileSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}', 'zerodrop/lab'], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);
  const tag = present.includes(want) ? want : present[0];
  if (!tag) throw new Error(`no zerodrop/lab image: build ${want} first`);
  return tag;
}

// A client speaking raw bytes; prints everything the server sent.
const script = (serverPath: string) => `
import { connect } from 'node:net';
import { EslServer } from ${JSON.stringify(serverPath)};
const server = new EslServer({ password: 'pw', identity: { coreUuid: 'c-1', hostname: 'fs1', switchname: 'fs1', ipv4: '198.19.9.41' },
  handler: async (cmd, args) => cmd === 'sofia' && args === 'recover' ? 'Recovered 2 call(s)\\n' : '-ERR ' + cmd + ' Command not found!\\n' });
const { port } = await server.listen(0, '127.0.0.1');
const s = connect(port, '127.0.0.1');
let got = '';
s.on('data', (d) => { got += d.toString(); });
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
await wait(100);
s.write('auth pw\\n\\n');
await wait(50);
s.write('api sofia recover\\n\\n');
await wait(50);
s.write('event plain CUSTOM sofia::recovery_recovered\\n\\n');
await wait(50);
server.publish({ name: 'CUSTOM', subclass: 'sofia::recovery_recovered', headers: { recovered_calls: '2' } });
server.publish({ name: 'CHANNEL_ANSWER', headers: { 'Unique-ID': 'u1' } });
await wait(50);
s.write('bgapi nosuch x\\nJob-UUID: job-7\\n\\n');
await wait(50);
s.write('exit\\n\\n');
await new Promise((r) => s.on('close', r));
await server.close();
process.stdout.write(JSON.stringify({ node: process.version, got }));
`;

describe('fs-sim ESL server on Node 18 in the lab image', () => {
  it('speaks the mod_event_socket wire format byte for byte', async () => {
    const entry = join(dir, 'wire.ts');
    writeFileSync(entry, script(resolve('lab/fs-sim/esl/esl-server.ts')));
    await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      target: 'node18',
      format: 'esm',
      outfile: join(dir, 'wire.mjs'),
      logLevel: 'silent',
    });
    const out = execFileSync(
      'docker',
      [
        'run',
        '--rm',
        '--network',
        'none',
        '-v',
        `${dir}:/t:ro`,
        '--entrypoint',
        'node',
        labImage(),
        '/t/wire.mjs',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    const { node, got } = JSON.parse(out) as { node: string; got: string };
    expect(node).toMatch(/^v18\./);
    const api = 'Recovered 2 call(s)\n';
    const expectedStart =
      'Content-Type: auth/request\n\n' +
      'Content-Type: command/reply\nReply-Text: +OK accepted\n\n' +
      `Content-Type: api/response\nContent-Length: ${api.length}\n\n${api}` +
      'Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n';
    expect(got.startsWith(expectedStart)).toBe(true);
    const rest = got.slice(expectedStart.length);
    const m = /^Content-Length: (\d+)\nContent-Type: text\/event-plain\n\n/.exec(rest);
    expect(m).not.toBeNull();
    const event = rest.slice(m![0].length, m![0].length + Number(m![1]));
    expect(event).toMatch(
      /^Event-Name: CUSTOM\nEvent-Subclass: sofia%3A%3Arecovery_recovered\nCore-UUID: c-1\n/,
    );
    expect(event).toMatch(/\nEvent-Date-GMT: [A-Za-z]{3},%20\d{2}%20/);
    expect(event.endsWith('recovered_calls: 2\n\n')).toBe(true);
    const after = rest.slice(m![0].length + Number(m![1]));
    // CHANNEL_ANSWER was not subscribed: nothing for it; bgapi answers at once, then no BACKGROUND_JOB
    // (not subscribed either), then exit.
    expect(
      after.startsWith('Content-Type: command/reply\nReply-Text: +OK Job-UUID: job-7\nJob-UUID: job-7\n\n'),
    ).toBe(true);
    expect(after).not.toMatch(/CHANNEL_ANSWER|BACKGROUND_JOB/);
    expect(after).toMatch(
      /Content-Type: command\/reply\nReply-Text: \+OK bye\n\nContent-Type: text\/disconnect-notice\nContent-Length: \d+\n\nDisconnected, goodbye\./,
    );
  });
});

describe('real-FreeSWITCH readiness over ESL', () => {
  const ctx = (): ReadinessContext => ({
    host: 'fs1',
    ip: '127.0.0.1',
    exec: async () => ({ exitCode: 0, stdout: '', stderr: '' }),
    logs: async () => [],
    state: async () => ({ status: 'running' }),
  });
  const status =
    'UP 0 years, 0 days, 0 hours, 0 minutes, 1 second, 600 milliseconds, 0 microseconds\nFreeSWITCH (Version 1.10.12) is ready\n0 session(s) since startup\n0 session(s) - peak 0, last 5min 0\n';

  it('waits until status is ready and the profile is RUNNING', async () => {
    let running = false;
    const server = new EslServer({
      password: 'pw',
      identity: { coreUuid: 'c', hostname: 'fs1', switchname: 'fs1', ipv4: '127.0.0.1' },
      handler: async (cmd, args) => {
        if (cmd === 'status') return status;
        if (cmd === 'sofia' && args === 'status') {
          const state = running ? 'RUNNING (0)' : 'DOWN';
          return `                     Name	   Type	                                      Data	State\n=================================================================================================\n             internal	profile	         sip:mod_sofia@198.19.9.41:5060	${state}\n`;
        }
        return '-ERR';
      },
    });
    const { port } = await server.listen(0, '127.0.0.1');
    try {
      setTimeout(() => {
        running = true;
      }, 600);
      const waited = await eslReadiness(port, 'pw', 'internal').withTimeout(5_000).waitUntilReady(ctx());
      expect(waited).toBeGreaterThanOrEqual(500);
      expect(waited).toBeLessThan(2_000);
      // A wrong password never becomes ready, and says why.
      const err = await eslReadiness(port, 'nope', 'internal')
        .withTimeout(600)
        .waitUntilReady(ctx())
        .catch((e) => e);
      expect(isReadinessTimeoutError(err)).toBe(true);
      expect(String(err.message)).toMatch(/authentication rejected/);
      // every probe closed its connection
      expect(
        await pollUntil(async () => server.connectionCount === 0 || undefined, { timeoutMs: 1_000 }),
      ).toBe(true);
    } finally {
      await server.close();
    }
  });
});
