// Test harness for fs-sim fidelity tests: run fs-sim processes, talk ESL, play UAs with RTP on 127.0.0.x.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { parseRemoteMedia } from '../../../src/sip/session-description.js';
import { type IncomingRequest, SipEndpoint } from '../../../src/sip/sip-endpoint.js';
import {
  contactUriOf,
  makeRequest,
  type SipRequest,
  type SipResponse,
} from '../../../src/sip/sip-message.js';
import type { Address } from '../../../src/sip/transport.js';

/** Config fields a test sets for one fs-sim node. */
export interface NodeSpec {
  name: string;
  ip: string;
  sipPort?: number;
  rtpStart: number;
  rtpEnd: number;
  eslPort: number;
  pg: string;
  proxy?: string;
  bridgeTarget?: string;
  timing?: Record<string, number>;
  /** Extensions added to the fixture dialplan (e.g. conference rooms). */
  moreDialplan?: { number: string; app: 'echo' | 'tone' | 'conference' }[];
}

/** A running fs-sim process. */
export class FsSimProcess {
  readonly logs: string[] = [];
  readonly exited: Promise<number | null>;

  private constructor(
    readonly spec: NodeSpec,
    readonly child: ChildProcess,
  ) {
    this.exited = new Promise((r) => child.once('exit', (code) => r(code)));
    const collect = (d: Buffer) => this.logs.push(...d.toString().split('\n').filter(Boolean));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
  }

  /** Writes the config and starts `node bundle --config`; resolves once it logs "fs-sim ready". */
  static async start(bundle: string, spec: NodeSpec, dir: string): Promise<FsSimProcess> {
    const config = {
      switchname: spec.name,
      sip: { ip: spec.ip, port: spec.sipPort ?? 5060, profile: 'internal' },
      media: { ip: spec.ip, rtpStart: spec.rtpStart, rtpEnd: spec.rtpEnd },
      esl: { ip: '127.0.0.1', port: spec.eslPort, password: 'ClueCon' },
      db: { pg: spec.pg },
      ...(spec.proxy ? { proxy: spec.proxy } : {}),
      dialplan: [
        { number: '1000', app: 'echo' },
        { number: '1001', app: 'tone' },
        { number: '3000', app: 'conference' },
        { number: '2000', app: 'bridge', target: spec.bridgeTarget ?? 'uas@127.0.0.1:5080' },
        ...(spec.moreDialplan ?? []),
      ],
      ...(spec.timing ? { timing: spec.timing } : {}),
    };
    const file = join(dir, `${spec.name}-${randomUUID().slice(0, 8)}.json`);
    writeFileSync(file, JSON.stringify(config));
    const child = spawn(process.execPath, [bundle, '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    const p = new FsSimProcess(spec, child);
    const deadline = Date.now() + 15_000;
    while (!p.logs.some((l) => l.includes('fs-sim ready'))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`fs-sim ${spec.name} did not start:\n${p.logs.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return p;
  }

  /** Runs an api command over ESL. */
  api(cmd: string): Promise<string> {
    return eslApi('127.0.0.1', this.spec.eslPort, 'ClueCon', cmd);
  }

  /** Sends a signal and waits for the exit. */
  async kill(signal: NodeJS.Signals): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill(signal);
    return this.exited;
  }
}

/** A TCP port free on 127.0.0.1 right now (for ESL). */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no free port'))));
    });
  });
}

/** One ESL api call: auth, `api cmd`, the api/response body. Rejects on timeout or lost connection. */
export function eslApi(
  host: string,
  port: number,
  password: string,
  cmd: string,
  timeoutMs = 10_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, host);
    let buf = '';
    let stage: 'auth' | 'authed' | 'api' = 'auth';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`esl ${cmd}: timeout`));
    }, timeoutMs);
    const done = (f: () => void) => {
      clearTimeout(timer);
      sock.destroy();
      f();
    };
    sock.on('error', (e) => done(() => reject(e)));
    sock.on('close', () => done(() => reject(new Error(`esl ${cmd}: connection closed`))));
    sock.on('data', (d) => {
      buf += d.toString();
      for (;;) {
        const end = buf.indexOf('\n\n');
        if (end < 0) return;
        const head = buf.slice(0, end);
        const len = Number(/Content-Length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 2 + len) return;
        const body = buf.slice(end + 2, end + 2 + len);
        buf = buf.slice(end + 2 + len);
        if (stage === 'auth' && head.includes('auth/request')) {
          sock.write(`auth ${password}\n\n`);
          stage = 'authed';
        } else if (stage === 'authed' && head.includes('command/reply')) {
          if (!head.includes('+OK')) return done(() => reject(new Error(`esl auth failed: ${head}`)));
          sock.write(`api ${cmd}\n\n`);
          stage = 'api';
        } else if (stage === 'api' && head.includes('api/response')) {
          return done(() => resolve(body));
        }
      }
    });
  });
}

/** An RTP socket that sends a marked payload every 20 ms to `remote` and counts what comes back. */
export class RtpProbe {
  remote: Address | undefined;
  received = 0;
  lastFrom: Address | undefined;
  lastAtMs = 0;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly socket: dgram.Socket,
    readonly local: Address,
  ) {
    socket.on('message', (_m, r) => {
      this.received++;
      this.lastAtMs = performance.now();
      this.lastFrom = { address: r.address, port: r.port };
    });
  }

  static bind(ip: string, port = 0): Promise<RtpProbe> {
    return new Promise((resolve, reject) => {
      const s = dgram.createSocket('udp4');
      s.once('error', reject);
      s.bind(port, ip, () => resolve(new RtpProbe(s, { address: ip, port: s.address().port })));
    });
  }

  start(): void {
    this.timer ??= setInterval(() => {
      if (!this.remote) return;
      const pkt = Buffer.alloc(172);
      pkt[0] = 0x80;
      pkt.writeUInt16BE(this.seq++ & 0xffff, 2);
      this.socket.send(pkt, this.remote.port, this.remote.address);
    }, 20);
  }

  /** Packets received during the next ms milliseconds. */
  async countFor(ms: number): Promise<number> {
    const before = this.received;
    await new Promise((r) => setTimeout(r, ms));
    return this.received - before;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.socket.close();
  }
}

const sdp = (a: Address) =>
  `v=0\r\no=ua 1 1 IN IP4 ${a.address}\r\ns=-\r\nc=IN IP4 ${a.address}\r\nt=0 0\r\nm=audio ${a.port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n`;

/** A call placed by a TestUa. */
export interface UaCall {
  callId: string;
  probe: RtpProbe;
  response: SipResponse;
  from: string;
  to: string;
  target: string;
  peer: Address;
}

/** A received request with arrival time. */
export interface Seen {
  request: SipRequest;
  source: Address;
  atMs: number;
}

/** A UA on one address: places calls, answers calls (UAS) and recovery re-INVITEs, records everything. */
export class TestUa {
  readonly seen: Seen[] = [];
  /** Media probe per Call-ID (callers and answered calls). */
  readonly media = new Map<string, RtpProbe>();
  /** Answer re-INVITEs? (false = stay silent, to test retransmissions). */
  answerReinvites = true;
  private readonly latestTarget = new Map<string, string>();
  private readonly latestPeer = new Map<string, Address>();

  private constructor(readonly endpoint: SipEndpoint) {
    endpoint.onRequest((inc) => void this.onRequest(inc));
  }

  static async start(ip: string, port: number): Promise<TestUa> {
    return new TestUa(await SipEndpoint.listen({ address: ip, port }));
  }

  get local(): Address {
    return this.endpoint.local;
  }

  private async onRequest(inc: IncomingRequest): Promise<void> {
    const req = inc.request;
    this.seen.push({ request: req, source: inc.source, atMs: performance.now() });
    const callId = req.headers.get('Call-ID') ?? '';
    if (req.method === 'ACK') return;
    if (req.method === 'BYE') {
      inc.respond(200);
      return;
    }
    if (req.method !== 'INVITE') {
      inc.respond(200);
      return;
    }
    const inDialog = /;tag=/.test(req.headers.get('To') ?? '');
    if (inDialog && !this.answerReinvites) return;
    let probe = this.media.get(callId);
    if (!probe) {
      probe = await RtpProbe.bind(this.local.address);
      this.media.set(callId, probe);
    }
    const remote = parseRemoteMedia(req.body);
    if (remote) probe.remote = { address: remote.ip, port: remote.port };
    probe.start();
    // a re-INVITE is a target refresh: later requests go to the new Contact (RFC 3261 12.2.1.2)
    const contact = contactUriOf(req);
    if (inDialog && contact) {
      this.latestTarget.set(callId, contact);
      this.latestPeer.set(callId, inc.source);
    }
    inc.respond(200, {
      toTag: inDialog ? undefined : `uas${randomUUID().slice(0, 6)}`,
      headers: [
        ['Contact', `<sip:uas@${this.local.address}:${this.local.port}>`],
        ['Content-Type', 'application/sdp'],
      ],
      body: sdp(probe.local),
    });
  }

  /** Places a call to `number` at fs-sim; resolves with the Call-ID and media probe once ACKed. */
  async call(to: Address, number: string): Promise<UaCall> {
    const probe = await RtpProbe.bind(this.local.address);
    const callId = `${randomUUID()}@${this.local.address}`;
    const from = `"sipp" <sip:sipp@${this.local.address}:${this.local.port}>;tag=${randomUUID().slice(0, 8)}`;
    const ruri = `sip:${number}@${to.address}:${to.port}`;
    const invite = makeRequest(
      'INVITE',
      ruri,
      [
        ['From', from],
        ['To', `<${ruri}>`],
        ['Call-ID', callId],
        ['CSeq', '1 INVITE'],
        ['Contact', `<sip:sipp@${this.local.address}:${this.local.port}>`],
        ['Subject', 'ha-test'],
        ['Content-Type', 'application/sdp'],
      ],
      sdp(probe.local),
    );
    const { response } = await this.endpoint.request(invite, { destination: to }).final;
    if (response.status !== 200) throw new Error(`call to ${number}: ${response.status}`);
    const ack = makeRequest('ACK', contactUriOf(response) ?? ruri, [
      ['Via', this.endpoint.newVia()],
      ['From', from],
      ['To', response.headers.get('To') ?? ''],
      ['Call-ID', callId],
      ['CSeq', '1 ACK'],
    ]);
    this.endpoint.sendRaw(ack, to);
    const remote = parseRemoteMedia(response.body);
    if (remote) probe.remote = { address: remote.ip, port: remote.port };
    probe.start();
    this.media.set(callId, probe);
    return {
      callId,
      probe,
      response,
      from,
      target: contactUriOf(response) ?? ruri,
      to: response.headers.get('To') ?? '',
      peer: to,
    };
  }

  /** Sends BYE on a call this UA placed; resolves with the final status. */
  async bye(call: UaCall): Promise<number> {
    const target = this.latestTarget.get(call.callId) ?? call.target;
    const bye = makeRequest('BYE', target, [
      ['From', call.from],
      ['To', call.to],
      ['Call-ID', call.callId],
      ['CSeq', '10 BYE'],
    ]);
    const dest = this.latestPeer.get(call.callId) ?? call.peer;
    const { response } = await this.endpoint.request(bye, { destination: dest }).final;
    this.media.get(call.callId)?.close();
    this.media.delete(call.callId);
    return response.status;
  }

  /** Recovery re-INVITEs received (in-dialog INVITEs). */
  reinvites(): Seen[] {
    return this.seen.filter(
      (s) => s.request.method === 'INVITE' && /;tag=/.test(s.request.headers.get('To') ?? ''),
    );
  }

  async close(): Promise<void> {
    for (const p of this.media.values()) p.close();
    await this.endpoint.close();
  }
}

/** Rewrites an IPv4 address everywhere in metadata: bounded, allowing a %XX escape before it. */
export function rewriteIp(text: string, from: string, to: string): string {
  const esc = from.replace(/\./g, '\\.');
  return text.replace(new RegExp(`(^|[^0-9.]|%[0-9A-Fa-f]{2})${esc}(?![0-9])`, 'g'), `$1${to}`);
}

/** An ESL connection subscribed to events; collects each event's headers (decoded). */
export class EslEventTap {
  readonly events: Array<Record<string, string>> = [];
  private constructor(private readonly sock: import('node:net').Socket) {}

  static open(port: number, password: string, subscription: string): Promise<EslEventTap> {
    return new Promise((resolve, reject) => {
      const sock = connect(port, '127.0.0.1');
      const tap = new EslEventTap(sock);
      let buf = '';
      let stage = 0;
      sock.on('error', reject);
      sock.on('data', (d) => {
        buf += d.toString();
        for (;;) {
          const end = buf.indexOf('\n\n');
          if (end < 0) return;
          const head = buf.slice(0, end);
          const len = Number(/Content-Length: (\d+)/i.exec(head)?.[1] ?? 0);
          if (buf.length < end + 2 + len) return;
          const body = buf.slice(end + 2, end + 2 + len);
          buf = buf.slice(end + 2 + len);
          if (stage === 0 && head.includes('auth/request')) {
            sock.write(`auth ${password}\n\n`);
            stage = 1;
          } else if (stage === 1 && head.includes('command/reply')) {
            sock.write(`event plain ${subscription}\n\n`);
            stage = 2;
          } else if (stage === 2 && head.includes('command/reply')) {
            stage = 3;
            resolve(tap);
          } else if (head.includes('text/event-plain')) {
            const ev: Record<string, string> = {};
            for (const line of body.split('\n')) {
              const i = line.indexOf(': ');
              if (i > 0) ev[line.slice(0, i)] = decodeURIComponent(line.slice(i + 2));
            }
            tap.events.push(ev);
          }
        }
      });
    });
  }

  close(): void {
    this.sock.destroy();
  }
}
