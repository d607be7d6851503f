import { describe, expect, it } from 'vitest';
import { MemoryNetwork } from './memory-network.js';
import { SipEndpoint } from './sip-endpoint.js';
import { makeRequest, type SipRequest } from './sip-message.js';
import { parseSipMessage } from './sip-parser.js';
import { serializeSipMessage as serialize } from './sip-serializer.js';
import { ManualTimerHost } from './sip-timers.js';

const A = { address: '127.0.0.1', port: 5060 };
const B = { address: '127.0.0.2', port: 5060 };

function lab() {
  const timers = new ManualTimerHost();
  const net = new MemoryNetwork((ms, fn) => timers.schedule(ms, fn));
  const a = new SipEndpoint({ transport: net.bind(A), timerHost: timers });
  const b = new SipEndpoint({ transport: net.bind(B), timerHost: timers });
  /** Advances virtual time in steps, letting in-memory deliveries (microtasks) run between them. */
  const run = async (ms: number, stepMs = 50) => {
    for (let t = 0; t < ms; t += stepMs) {
      timers.advance(stepMs);
      await new Promise((r) => setImmediate(r));
    }
  };
  return { timers, net, a, b, run };
}

function request(method: string, callId = 'c1', seq = 1): SipRequest {
  return makeRequest(method, 'sip:b@127.0.0.2:5060', [
    ['From', '<sip:a@127.0.0.1>;tag=fa'],
    ['To', '<sip:b@127.0.0.2>'],
    ['Call-ID', callId],
    ['CSeq', `${seq} ${method}`],
    ['Contact', '<sip:a@127.0.0.1:5060>'],
  ]);
}

/** Virtual send times (ms) of datagrams a -> b whose start line begins with `start`. */
function sendTimes(log: Array<{ at: number; text: string }>, start: string): number[] {
  return log.filter((l) => l.text.startsWith(start)).map((l) => l.at);
}

describe('client transactions over a lossy transport', () => {
  it('INVITE: Timer A doubles from T1, Timer B gives a local 408 at 64*T1', async () => {
    const { timers, net, a, run } = lab();
    const seen: Array<{ at: number; text: string }> = [];
    net.fate = (data) => {
      seen.push({ at: timers.elapsedMs(), text: data.toString() });
      return true; // everything lost
    };
    const cr = a.request(request('INVITE'));
    let outcome: Awaited<typeof cr.final> | undefined;
    void cr.final.then((o) => {
      outcome = o;
    });
    await run(33_000, 250);
    expect(sendTimes(seen, 'INVITE')).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(outcome?.timedOut).toBe(true);
    expect(outcome?.response.status).toBe(408);
  });

  it('non-INVITE: Timer E doubles up to T2, Timer F ends it at 64*T1', async () => {
    const { timers, net, a, run } = lab();
    const seen: Array<{ at: number; text: string }> = [];
    net.fate = (data) => {
      seen.push({ at: timers.elapsedMs(), text: data.toString() });
      return true;
    };
    const cr = a.request(request('OPTIONS'));
    await run(33_000, 250);
    expect(sendTimes(seen, 'OPTIONS')).toEqual([
      0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500,
    ]);
    expect((await cr.final).timedOut).toBe(true);
  });

  it('INVITE: a retransmission gets through after two losses and the 200 ends the wait', async () => {
    const { timers, net, a, b, run } = lab();
    let invites = 0;
    net.fate = (data) => data.toString().startsWith('INVITE') && ++invites <= 2;
    let answeredAt = -1;
    b.onRequest((inc) => {
      if (inc.request.method === 'INVITE') inc.respond(200, { toTag: 'tb' });
    });
    const cr = a.request(request('INVITE'));
    void cr.final.then(() => {
      answeredAt = timers.elapsedMs();
    });
    await run(2000);
    expect(answeredAt).toBe(1500);
    expect((await cr.final).response.status).toBe(200);
  });
});

describe('server transactions', () => {
  it('INVITE: a non-2xx final is retransmitted by Timer G (doubling) until an ACK gets through', async () => {
    const { timers, net, a, b, run } = lab();
    const toA: Array<{ at: number; text: string }> = [];
    let dropAcks = true;
    net.fate = (data, _from, to) => {
      const text = data.toString();
      if (to.address === A.address) toA.push({ at: timers.elapsedMs(), text });
      // the client's ACKs are lost for the first 2.5 s, so b keeps retransmitting the 486
      return (text.startsWith('ACK') && dropAcks) || undefined;
    };
    b.onRequest((inc) => {
      if (inc.request.method === 'INVITE') inc.respond(486, { toTag: 'tb' });
    });
    a.request(request('INVITE'));
    await run(2500);
    dropAcks = false;
    await run(10_000);
    const finals = sendTimes(toA, 'SIP/2.0 486');
    const first = finals[0] ?? Number.NaN;
    // first answer, then Timer G at T1, 2*T1, 4*T1; the ACK to the 4th stops it (Confirmed)
    expect(finals.map((t) => t - first)).toEqual([0, 500, 1500, 3500]);
  });

  it('non-INVITE: a retransmitted request is answered from the transaction, the TU sees it once', async () => {
    const { net, a, b, run } = lab();
    let firstResponseLost = true;
    net.fate = (data) => {
      if (data.toString().startsWith('SIP/2.0 200') && firstResponseLost) {
        firstResponseLost = false;
        return true;
      }
      return undefined;
    };
    let tuCalls = 0;
    b.onRequest((inc) => {
      tuCalls++;
      inc.respond(200);
    });
    const cr = a.request(request('OPTIONS'));
    await run(1000);
    expect((await cr.final).response.status).toBe(200);
    expect(tuCalls).toBe(1);
  });

  it('answers to the Via (received/rport), not to the address the request came from', async () => {
    const { net, b, run } = lab();
    const other = net.bind({ address: '127.0.0.3', port: 5099 });
    const got: string[] = [];
    const viaTarget = net.bind({ address: '127.0.0.3', port: 5070 });
    viaTarget.onDatagram((d) => got.push(d.toString()));
    b.onRequest((inc) => inc.respond(200));
    const req = request('OPTIONS');
    // no rport: RFC 3261 18.2.2 says source IP (received) and the Via's port
    req.headers.prepend('Via', 'SIP/2.0/UDP 127.0.0.99:5070;branch=z9hG4bKviatest');
    other.send(Buffer.from(serialize(req)), B);
    await run(100);
    expect(got).toHaveLength(1);
    const res = parseSipMessage(got[0] ?? '');
    expect(res.ok && res.message.headers.get('Via')).toContain('received=127.0.0.3');
  });

  it('counts a malformed datagram and keeps serving', async () => {
    const { net, a, b, run } = lab();
    const junk = net.bind({ address: '127.0.0.4', port: 1 });
    junk.send(Buffer.from('NOT SIP AT ALL\r\n\r\n'), B);
    b.onRequest((inc) => inc.respond(200));
    await run(100);
    expect(b.counters.malformed).toBe(1);
    const cr = a.request(request('OPTIONS'));
    await run(100);
    expect((await cr.final).response.status).toBe(200);
  });

  it('treats a reused branch with a new CSeq as a new request and records a finding', async () => {
    const { timers, net, run } = lab();
    const findings: string[] = [];
    const server = new SipEndpoint({
      transport: net.bind({ address: '127.0.0.5', port: 5060 }),
      timerHost: timers,
      onFinding: (f) => findings.push(f.finding),
    });
    const seen: number[] = [];
    server.onRequest((inc) => {
      seen.push(Number(inc.request.headers.get('CSeq')?.split(' ')[0]));
      inc.respond(200, { toTag: 'ts' });
    });
    const peer = net.bind({ address: '127.0.0.6', port: 5060 });
    for (const seq of [1, 123331595]) {
      const req = request('INVITE', 'c9', seq);
      req.uri = 'sip:x@127.0.0.5';
      req.headers.prepend('Via', 'SIP/2.0/UDP 127.0.0.6;rport;branch=z9hG4bKsame');
      peer.send(Buffer.from(serialize(req)), { address: '127.0.0.5', port: 5060 });
      await run(100);
    }
    expect(seen).toEqual([1, 123331595]);
    expect(findings).toContain('reused-branch');
  });
});
