import { describe, expect, it } from 'vitest';
import { MemoryNetwork } from './memory-network.js';
import { SipEndpoint } from './sip-endpoint.js';
import type { SipFinding } from './sip-finding.js';
import { makeRequest } from './sip-message.js';
import { ManualTimerHost } from './sip-timers.js';
import { UserAgent } from './user-agent.js';

const CALLER = { address: '127.0.0.1', port: 5070 };
const CALLEE = { address: '127.0.0.1', port: 5080 };

/** Two UAs on an in-memory network whose time only moves with run(). */
function pair() {
  const timers = new ManualTimerHost();
  const net = new MemoryNetwork((ms, fn) => timers.schedule(ms, fn));
  const findings: SipFinding[] = [];
  const ep = (a: typeof CALLER) =>
    new SipEndpoint({ transport: net.bind(a), timerHost: timers, onFinding: (f) => findings.push(f) });
  const caller = new UserAgent({ endpoint: ep(CALLER) });
  const callee = new UserAgent({ endpoint: ep(CALLEE), user: 'uas', onFinding: (f) => findings.push(f) });
  const run = async (ms: number, stepMs = 10) => {
    for (let t = 0; t < ms; t += stepMs) {
      timers.advance(stepMs);
      await new Promise((r) => setImmediate(r));
    }
  };
  const starts = (prefix: string) => net.log.filter((l) => l.data.toString().startsWith(prefix));
  return { net, caller, callee, run, starts, findings };
}

const offer = { requestUri: 'sip:uas@127.0.0.1:5080', localMedia: { ip: '127.0.0.1', port: 30000 } };

describe('OutgoingInvite', () => {
  it('CANCELs a call that rings too long: 200 to the CANCEL, 487 to the INVITE, the callee hears of it', async () => {
    const { caller, callee, run, starts } = pair();
    let cancelled = false;
    callee.onInvite((inv) => {
      inv.ringing();
      inv.onCancel(() => {
        cancelled = true;
      });
    });
    const out = caller.invite({ ...offer, answerTimeoutMs: 3000 });
    await run(3200);
    const result = await out.result;
    expect(result).toMatchObject({ ok: false, status: 487, timedOut: true });
    expect(cancelled).toBe(true);
    expect(starts('CANCEL')).toHaveLength(1);
    expect(starts('SIP/2.0 200').length).toBeGreaterThanOrEqual(1); // the CANCEL's own 200
    expect(starts('ACK')).toHaveLength(1); // the INVITE transaction ACKs the 487 (RFC 3261 17.1.1.3)
  });

  it('re-ACKs a retransmitted 200 when its first ACK was lost; the callee stops retransmitting', async () => {
    const { net, caller, callee, run, starts, findings } = pair();
    callee.onInvite((inv) => inv.accept({ ip: '127.0.0.1', port: 40000 }));
    let acks = 0;
    net.fate = (data) => data.toString().startsWith('ACK') && ++acks === 1; // lose the first ACK only
    const out = caller.invite(offer);
    await run(40_000, 50);
    expect((await out.result).ok).toBe(true);
    expect(starts('SIP/2.0 200')).toHaveLength(2); // the answer and one retransmission at T1
    expect(starts('ACK')).toHaveLength(2);
    expect(findings).toEqual([]); // in particular no 'no-ack' at 64*T1
  });

  it('without any ACK the callee gives up at 64*T1 and records no-ack, keeping the call', async () => {
    const { net, caller, callee, run, starts } = pair();
    const findings: SipFinding[] = [];
    callee.onInvite((inv) =>
      inv.accept({ ip: '127.0.0.1', port: 40000 }, { onFinding: (f) => findings.push(f) }),
    );
    net.fate = (data) => data.toString().startsWith('ACK');
    caller.invite(offer);
    await run(40_000, 50);
    // 200 at 0, then T1 doubling capped at T2: 0.5 1.5 3.5 7.5 11.5 ... 31.5 s
    expect(starts('SIP/2.0 200')).toHaveLength(11);
    expect(findings.map((f) => f.finding)).toEqual(['no-ack']);
    expect(callee.allSessions().map((s) => s.state)).toEqual(['Confirmed']);
  });

  it('answers OPTIONS outside a dialog with 200 and Allow', async () => {
    const { caller, run } = pair();
    const req = makeRequest('OPTIONS', 'sip:uas@127.0.0.1:5080', [
      ['From', '<sip:probe@127.0.0.1>;tag=p'],
      ['To', '<sip:uas@127.0.0.1:5080>'],
      ['Call-ID', 'opt-1'],
      ['CSeq', '1 OPTIONS'],
    ]);
    const cr = caller.endpoint.request(req);
    await run(100);
    const { response } = await cr.final;
    expect(response.status).toBe(200);
    expect(response.headers.get('Allow')).toContain('INVITE');
  });

  it('rejects an INVITE without Contact (400) and fails a call whose 200 has none, with no-dialog findings', async () => {
    const { caller, callee, run, findings } = pair();
    const bare = makeRequest('INVITE', 'sip:uas@127.0.0.1:5080', [
      ['From', '<sip:x@127.0.0.1>;tag=x'],
      ['To', '<sip:uas@127.0.0.1:5080>'],
      ['Call-ID', 'no-contact'],
      ['CSeq', '1 INVITE'],
    ]);
    const cr = caller.endpoint.request(bare);
    await run(100);
    expect((await cr.final).response.status).toBe(400);
    // now the other way round: our INVITE is answered 200 without Contact by a raw endpoint
    callee.endpoint.onRequest((inc) => inc.respond(200, { toTag: 't' }));
    const callFindings: SipFinding[] = [];
    const out = caller.invite({ ...offer, events: { onFinding: (f) => callFindings.push(f) } });
    await run(100);
    expect(await out.result).toMatchObject({ ok: false, status: 200 });
    expect([...findings, ...callFindings].map((f) => f.finding)).toEqual(['no-dialog', 'no-dialog']);
  });
});
