import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { pollUntil } from '../common/wait.js';
import type { ReinviteInfo } from './invite-session.js';
import { MemoryNetwork } from './memory-network.js';
import { buildSdp, parseRemoteMedia, type RemoteMedia } from './session-description.js';
import { SipEndpoint } from './sip-endpoint.js';
import type { SipFinding } from './sip-finding.js';
import { cseqOf, makeRequest, type SipResponse, tagsOf } from './sip-message.js';
import { parseSipMessage } from './sip-parser.js';
import { UserAgent } from './user-agent.js';

const FIXTURES = '/work/shared/fixtures/freeswitch-1.10.12/sip';
const FS = { address: '127.0.0.2', port: 5060 };
const FS_B = { address: '127.0.0.3', port: 5060 };

/** The first datagram a sofia trace file says was received, cut by its logged byte count. */
function tracedDatagram(file: string): string {
  const text = readFileSync(`${FIXTURES}/${file}`);
  const m = /UDP message received \[(\d+)\] bytes :\n\n/.exec(text.toString('latin1'));
  if (!m) throw new Error(`no datagram in ${file}`);
  const start = m.index + m[0].length;
  return text.subarray(start, start + Number(m[1])).toString('latin1');
}

const open: SipEndpoint[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

function endpoint(net: MemoryNetwork, address: string, port: number, findings?: SipFinding[]): SipEndpoint {
  const ep = new SipEndpoint({ transport: net.bind({ address, port }), onFinding: (f) => findings?.push(f) });
  open.push(ep);
  return ep;
}

/** A raw socket that collects the responses it receives. */
function rawPeer(net: MemoryNetwork, address: string, port: number) {
  const got: SipResponse[] = [];
  const transport = net.bind({ address, port });
  transport.onDatagram((d) => {
    const r = parseSipMessage(d);
    if (r.ok && r.message.kind === 'response') got.push(r.message);
  });
  return {
    got,
    send: (text: string, to: { address: string; port: number }) =>
      transport.send(Buffer.from(text, 'latin1'), to),
  };
}

const until = <T>(probe: () => T | undefined) =>
  pollUntil(async () => probe(), { timeoutMs: 2000, intervalMs: 5 });

describe('UserAgent', () => {
  it('places a call to another UA, both sides learn the other media address, BYE ends both', async () => {
    const net = new MemoryNetwork();
    const caller = new UserAgent({ endpoint: endpoint(net, '127.0.0.1', 5070) });
    const callee = new UserAgent({ endpoint: endpoint(net, '127.0.0.1', 5080), user: 'uas' });
    let calleeMedia: RemoteMedia | undefined;
    let byeSeen = false;
    callee.onInvite((inv) => {
      inv.accept(
        { ip: '127.0.0.1', port: 40000 },
        { onRemoteMedia: (m) => (calleeMedia = m), onBye: () => (byeSeen = true) },
      );
    });
    let callerMedia: RemoteMedia | undefined;
    const out = caller.invite({
      requestUri: 'sip:uas@127.0.0.1:5080',
      localMedia: { ip: '127.0.0.1', port: 30000 },
      events: { onRemoteMedia: (m) => (callerMedia = m) },
    });
    const result = await out.result;
    expect(result.ok).toBe(true);
    expect(callerMedia).toMatchObject({ ip: '127.0.0.1', port: 40000, active: true });
    expect(calleeMedia).toMatchObject({ ip: '127.0.0.1', port: 30000 });
    const bye = await result.session?.bye();
    expect(bye?.response.status).toBe(200);
    expect(byeSeen).toBe(true);
    // the ACK and the BYE were well-formed SIP (an ACK without Via once slipped through)
    expect(callee.endpoint.counters.malformed).toBe(0);
    expect(caller.endpoint.counters.malformed).toBe(0);
  });

  it('answers the recovery re-INVITE FreeSWITCH sent to a callee: to the Via, adopting Contact and SDP', async () => {
    const net = new MemoryNetwork();
    const callee = new UserAgent({ endpoint: endpoint(net, '127.0.0.1', 5080), user: 'uas' });
    // "FreeSWITCH A" sets up the call through the public endpoint API, as fs-sim does
    const fsA = endpoint(net, FS.address, FS.port);
    const reinvite = tracedDatagram('sample-reinvite-to-callee.txt');
    const callId = /Call-ID: (\S+)/.exec(reinvite)?.[1] ?? '';
    let session: ReturnType<typeof acceptAny> | undefined;
    const acceptAny = (inv: Parameters<Parameters<UserAgent['onInvite']>[0]>[0]) =>
      inv.accept({ ip: '127.0.0.1', port: 40000 }, events);
    const reinvites: ReinviteInfo[] = [];
    const media: RemoteMedia[] = [];
    let answered: boolean | undefined;
    const events = {
      onReinvite: (i: ReinviteInfo) => reinvites.push(i),
      onRemoteMedia: (m: RemoteMedia) => media.push(m),
      onReinviteAnswered: (ok: boolean) => (answered = ok),
    };
    callee.onInvite((inv) => (session = acceptAny(inv)));
    const invite = fsA.request(
      makeRequest(
        'INVITE',
        'sip:uas@127.0.0.1:5080',
        [
          ['From', '"sipp" <sip:sipp@127.0.0.2>;tag=D4mmy7pvm2Q1r'],
          ['To', '<sip:uas@127.0.0.1:5080>'],
          ['Call-ID', callId],
          ['CSeq', '123331588 INVITE'],
          ['Contact', '<sip:mod_sofia@127.0.0.2:5060>'],
          ['Content-Type', 'application/sdp'],
        ],
        sdpOf(reinvite),
      ),
    );
    const answer = (await invite.final).response;
    expect(answer.status).toBe(200);
    const ourTag = tagsOf(answer).toTag ?? '';
    // FreeSWITCH B, at another address, sends the traced re-INVITE (the dialog's To tag is ours)
    const fsB = rawPeer(net, FS_B.address, FS_B.port);
    fsB.send(reinvite.replace('26208SIPpTag011', ourTag), { address: '127.0.0.1', port: 5080 });
    const ok = await until(() => fsB.got.find((r) => r.status === 200));
    expect(ok && cseqOf(ok)).toEqual({ seq: 123331595, method: 'INVITE' });
    expect(ok && parseRemoteMedia(ok.body)).toMatchObject({ ip: '127.0.0.1', port: 40000 });
    expect(session?.dialog.remoteTarget).toBe('sip:uas@127.0.0.2:5060');
    expect(media.at(-1)).toMatchObject({ ip: '127.0.0.2', port: 16476 });
    expect(reinvites[0]).toMatchObject({
      contact: 'sip:uas@127.0.0.2:5060',
      cseq: 123331595,
      source: { address: '127.0.0.3' },
    });
    expect(answered).toBeUndefined(); // no ACK yet: the 200 is still being retransmitted
  });

  it('answers the recovery re-INVITE FreeSWITCH sent to a caller: tags swapped, routed by Via, new Contact', async () => {
    const net = new MemoryNetwork();
    const caller = new UserAgent({ endpoint: endpoint(net, '127.0.0.1', 5070), user: 'sipp' });
    const fsA = endpoint(net, FS.address, FS.port);
    const reinvite = tracedDatagram('sample-reinvite-to-caller.txt');
    fsA.onRequest((inc) => {
      if (inc.request.method !== 'INVITE') return;
      inc.respond(200, {
        toTag: 'Bj22tHNNtgBvH',
        headers: [
          ['Contact', '<sip:1000@127.0.0.2:5060;transport=udp>'],
          ['Content-Type', 'application/sdp'],
        ],
        body: sdpOf(reinvite),
      });
    });
    const findings: SipFinding[] = [];
    let answered: boolean | undefined;
    const out = caller.invite({
      requestUri: 'sip:1000@127.0.0.2:5060',
      callId: '1-26221@127.0.0.1',
      localMedia: { ip: '127.0.0.1', port: 30000 },
      events: {
        onFinding: (f) => findings.push(f),
        onReinvite: (i) => findings.push(...i.findings),
        onReinviteAnswered: (ok) => (answered = ok),
      },
    });
    const { session } = await out.result;
    const ourTag = session?.dialog.localTag ?? '';
    const fsB = rawPeer(net, FS_B.address, FS_B.port);
    fsB.send(reinvite.replace('26221SIPpTag001', ourTag), { address: '127.0.0.1', port: 5070 });
    const ok = await until(() => fsB.got.find((r) => r.status === 200));
    expect(ok && tagsOf(ok)).toEqual({ fromTag: 'Bj22tHNNtgBvH', toTag: ourTag });
    expect(session?.dialog.remoteTarget).toBe('sip:sipp@127.0.0.2:5060');
    expect(session?.remoteMedia).toMatchObject({ ip: '127.0.0.2', port: 16642 });
    expect(findings.map((f) => f.finding)).toEqual(['route-to-self']);
    fsB.send(ackFor(ok as SipResponse, 'sip:sipp@127.0.0.1:5070'), { address: '127.0.0.1', port: 5070 });
    await until(() => answered);
    expect(answered).toBe(true);
    // the BYE follows the refreshed target, not the original peer's Contact
    const byes: string[] = [];
    fsA.onRequest((inc) => {
      byes.push(inc.request.uri);
      inc.respond(200);
    });
    expect((await session?.bye())?.response.status).toBe(200);
    expect(byes).toEqual(['sip:sipp@127.0.0.2:5060']);
  });

  it('answers an SDP-less re-INVITE with an offer and takes the answer from the ACK', async () => {
    const net = new MemoryNetwork();
    const { fsA, session, findings, media, answered } = await calleeCall(net);
    const reinvite = fsA.request(session.inDialogFromPeer('INVITE', 123331700, ''));
    const ok = (await reinvite.final).response;
    expect(ok.status).toBe(200);
    expect(parseRemoteMedia(ok.body)).toMatchObject({ ip: '127.0.0.1', port: 40000 });
    const ack = session.inDialogFromPeer('ACK', 123331700, sdp('127.0.0.9', 17000));
    ack.headers.prepend('Via', fsA.newVia());
    fsA.sendRaw(ack, { address: '127.0.0.1', port: 5080 });
    await until(() => (answered.length ? true : undefined));
    expect(media.at(-1)).toMatchObject({ ip: '127.0.0.9', port: 17000 });
    expect(findings.map((f) => f.finding)).toEqual(['sdp-less-reinvite']);
  });

  it('records a lower CSeq and an unknown dialog, answers 200 and 481', async () => {
    const net = new MemoryNetwork();
    const uaFindings: SipFinding[] = [];
    const { fsA, session, findings } = await calleeCall(net, uaFindings);
    const low = fsA.request(session.inDialogFromPeer('INVITE', 7, sdp('127.0.0.2', 16000)));
    expect((await low.final).response.status).toBe(200);
    expect(findings.map((f) => f.finding)).toContain('lower-cseq');
    const stranger = session.inDialogFromPeer('BYE', 123331800, '');
    stranger.headers.set('Call-ID', 'no-such-call');
    expect((await fsA.request(stranger).final).response.status).toBe(481);
    expect(uaFindings.map((f) => f.finding)).toEqual(['unknown-dialog']);
  });
  it('matches an in-dialog request with From/To tags swapped, records it, and answers', async () => {
    const net = new MemoryNetwork();
    const { fsA, session, findings } = await calleeCall(net);
    const req = session.inDialogFromPeer('INVITE', 123331900, sdp('127.0.0.2', 16010));
    const from = req.headers.get('From') ?? '';
    const to = req.headers.get('To') ?? '';
    const tag = (v: string) => /tag=([^;>]+)/.exec(v)?.[1] ?? '';
    req.headers.set('From', from.replace(tag(from), tag(to)));
    req.headers.set('To', to.replace(tag(to), tag(from)));
    expect((await fsA.request(req).final).response.status).toBe(200);
    expect(findings.map((f) => f.finding)).toContain('swapped-tags');
  });
  it('answers 481 to a late re-INVITE for a call we already hung up, with a finding', async () => {
    const net = new MemoryNetwork();
    const uaFindings: SipFinding[] = [];
    const { fsA, session, callee } = await calleeCall(net, uaFindings);
    await callee.allSessions()[0]?.bye();
    const late = fsA.request(session.inDialogFromPeer('INVITE', 123332000, sdp('127.0.0.3', 16020)));
    expect((await late.final).response.status).toBe(481);
    expect(uaFindings.map((f) => f.finding)).toEqual(['unknown-dialog']);
  });
});

/** A call set up by a raw endpoint ("FreeSWITCH A" at 127.0.0.2) to our callee UA at 127.0.0.1:5080. */
async function calleeCall(net: MemoryNetwork, uaFindings: SipFinding[] = []) {
  const callee = new UserAgent({
    endpoint: endpoint(net, '127.0.0.1', 5080),
    user: 'uas',
    onFinding: (f) => uaFindings.push(f),
  });
  const fsA = endpoint(net, FS.address, FS.port);
  const findings: SipFinding[] = [];
  const media: RemoteMedia[] = [];
  const answered: boolean[] = [];
  callee.onInvite((inv) =>
    inv.accept(
      { ip: '127.0.0.1', port: 40000 },
      {
        onFinding: (f) => findings.push(f),
        onReinvite: (i) => findings.push(...i.findings),
        onRemoteMedia: (m) => media.push(m),
        onReinviteAnswered: (ok) => answered.push(ok),
      },
    ),
  );
  const invite = makeRequest(
    'INVITE',
    'sip:uas@127.0.0.1:5080',
    [
      ['From', '<sip:fs@127.0.0.2>;tag=fstag'],
      ['To', '<sip:uas@127.0.0.1:5080>'],
      ['Call-ID', 'call-1'],
      ['CSeq', '100 INVITE'],
      ['Contact', '<sip:fs@127.0.0.2:5060>'],
      ['Content-Type', 'application/sdp'],
    ],
    sdp('127.0.0.2', 16000),
  );
  const res = (await fsA.request(invite).final).response;
  const toTag = tagsOf(res).toTag ?? '';
  fsA.sendRaw(
    makeRequest('ACK', 'sip:uas@127.0.0.1:5080', [
      ['From', '<sip:fs@127.0.0.2>;tag=fstag'],
      ['To', `<sip:uas@127.0.0.1:5080>;tag=${toTag}`],
      ['Call-ID', 'call-1'],
      ['CSeq', '100 ACK'],
      ['Via', fsA.newVia()],
    ]),
    { address: '127.0.0.1', port: 5080 },
  );
  /** Builds a request from the peer's side of this dialog, with caller-chosen CSeq and body. */
  const inDialogFromPeer = (method: string, seq: number, body: string) =>
    makeRequest(
      method,
      'sip:uas@127.0.0.1:5080',
      [
        ['From', '<sip:fs@127.0.0.2>;tag=fstag'],
        ['To', `<sip:uas@127.0.0.1:5080>;tag=${toTag}`],
        ['Call-ID', 'call-1'],
        ['CSeq', `${seq} ${method}`],
        ['Contact', '<sip:fs@127.0.0.2:5060>'],
        ...(body ? [['Content-Type', 'application/sdp'] as [string, string]] : []),
      ],
      body,
    );
  const session = { inDialogFromPeer };
  return { fsA, session, findings, media, answered, callee };
}

function sdp(ip: string, port: number): string {
  return buildSdp({ ip, port, sessionId: 1, version: 2 });
}

function ackFor(res: SipResponse, uri: string): string {
  const h = res.headers;
  return [
    `ACK ${uri} SIP/2.0`,
    'Via: SIP/2.0/UDP 127.0.0.3:5060;rport;branch=z9hG4bKackB',
    `From: ${h.get('From')}`,
    `To: ${h.get('To')}`,
    `Call-ID: ${h.get('Call-ID')}`,
    `CSeq: ${cseqOf(res)?.seq} ACK`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

function sdpOf(datagram: string): string {
  return datagram.slice(datagram.indexOf('\r\n\r\n') + 4);
}
