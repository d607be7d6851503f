// The call generator against sipp: an echo call to sipp as UAS (-rtp_echo), and the same call surviving a
// "crash" of that UAS and a recovery re-INVITE from another host with swapped From/To and a big CSeq.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallGenerator } from '../src/calls/call-generator.js';
import { CallState } from '../src/calls/harness-call.js';
import { systemClock } from '../src/common/clock.js';
import type { EventDraft } from '../src/common/event.js';
import { EventKind } from '../src/common/event-kinds.js';
import { delay, pollUntil } from '../src/common/wait.js';
import { MediaEngine } from '../src/media/media-engine.js';
import { type SippProcess, startSipp, udpPortBound } from './sip-sipp.js';

const IP = '127.0.0.1';
const IP_B = '127.0.0.2';
const LONG_GAP_MS = 200;
/** A gap's length not explained by a stall of the harness itself (the engine reports localStallMs). */
const durationOf = (e: EventDraft): number => {
  const v = e.value as { durationMs?: number; localStallMs?: number };
  return (v.durationMs ?? 0) - (v.localStallMs ?? 0);
};

describe('CallGenerator against sipp (echo)', () => {
  const events: EventDraft[] = [];
  const sipps: SippProcess[] = [];
  let media: MediaEngine;
  let gen: CallGenerator;
  const ofCall = (callId: string, kind: string) =>
    events.filter((e) => e.process === callId && e.kind === kind);

  beforeAll(async () => {
    media = await MediaEngine.start({ bindIp: IP, sink: (e) => events.push(e) });
    gen = await CallGenerator.start({
      localIp: IP,
      target: { address: IP, port: 25_270 },
      media,
      sink: (e) => events.push(e),
    });
  });

  afterAll(async () => {
    for (const s of sipps) s.kill();
    await gen?.close();
    await media?.close();
  });

  it('places an echo call to sipp -rtp_echo, hears itself, hangs up with a 200', async () => {
    const uas = startSipp({
      scenario: 'uas-echo.xml',
      ip: IP,
      port: 25_270,
      mediaPort: 26_200,
      cid: 'calls-echo',
    });
    sipps.push(uas);
    expect(await udpPortBound(IP, 25_270), uas.output()).toBe(true);
    const call = await gen.place({ user: 'echo', mode: 'echo' });
    expect(call.state, uas.output()).toBe(CallState.Answered);
    await delay(2000);
    const stats = call.callerStream.stats();
    expect(stats.received).toBeGreaterThan(85); // ~2 s of our own audio came back
    expect(stats.crossed).toBe(0);
    await call.hangup();
    expect(await uas.exited, uas.output()).toBe(0);
    expect(ofCall(call.callId, EventKind.callHangup).map((e) => e.type)).toEqual(['invoke', 'ok']);
    expect(ofCall(call.callId, EventKind.mediaGap).filter((e) => durationOf(e) > LONG_GAP_MS)).toEqual([]);
  });

  it('follows a recovery re-INVITE to the caller from another host; the gap matches the outage', async () => {
    const a = startSipp({
      scenario: 'uas-echo.xml',
      ip: IP,
      port: 25_270,
      mediaPort: 26_300,
      cid: 'calls-rec-a',
    });
    sipps.push(a);
    expect(await udpPortBound(IP, 25_270), a.output()).toBe(true);
    const call = await gen.place({ user: 'echo', mode: 'echo' });
    const session = call.caller?.session;
    expect(session, a.output()).toBeDefined();
    await pollUntil(async () => (call.callerStream.stats().received > 25 ? true : undefined), {
      timeoutMs: 5000,
    });
    const killedMs = systemClock.nowMs();
    a.kill('SIGKILL');
    await a.exited;
    await delay(300);
    const ourUa = gen.callerAddress;
    const b = startSipp({
      scenario: 'reinvite-from-b.xml',
      ip: IP_B,
      port: 25_270,
      mediaPort: 26_400,
      remote: `${ourUa.address}:${ourUa.port}`,
      cid: 'calls-rec-b',
      callId: call.callId,
      keys: {
        ruri: `sip:caller@${ourUa.address}:${ourUa.port}`,
        hdr_via: `SIP/2.0/UDP ${IP_B}:25270;rport;branch=z9hG4bK-recover-${call.callKey}`,
        // the callee side of the dialog sends now: its tag in From, ours in To (RFC 3261 12.2.1.1)
        hdr_from: `${session?.dialog.remoteUri};tag=${session?.dialog.remoteTag}`,
        hdr_to: `${session?.dialog.localUri};tag=${session?.dialog.localTag}`,
        recover_cseq: '123331709',
      },
    });
    sipps.push(b);
    const answered = await pollUntil(
      async () => (ofCall(call.callId, EventKind.callReinviteAnswered)[0] ? true : undefined),
      {
        timeoutMs: 10_000,
        intervalMs: 10,
      },
    );
    expect(answered, b.output()).toBe(true);
    await delay(1000);
    const [reinvite] = ofCall(call.callId, EventKind.callReinvite);
    expect(reinvite?.value).toMatchObject({
      side: 'caller',
      source: `${IP_B}:25270`,
      cseq: 123331709,
      sdp: { ip: IP_B, port: 26_400 },
    });
    expect(ofCall(call.callId, EventKind.callReinviteAnswered)[0]?.type).toBe('ok');
    // the outage is the one long gap not explained by a local stall (a loaded machine adds short ones)
    const gaps = ofCall(call.callId, EventKind.mediaGap).filter((e) => durationOf(e) > LONG_GAP_MS);
    expect(gaps).toHaveLength(1);
    const outageMs = (reinvite?.timeMs ?? 0) - killedMs;
    const gap = gaps[0]?.value as { durationMs?: number; localStallMs?: number } | undefined;
    const allowedMs = 20 + (gap?.localStallMs ?? 0); // one packet, plus any stall of the harness itself
    const measured = gap?.durationMs ?? Number.NaN;
    expect(
      Math.abs(measured - outageMs),
      `gap ${JSON.stringify(gap)} vs outage ${outageMs}`,
    ).toBeLessThanOrEqual(allowedMs);
    await call.hangup();
    expect(ofCall(call.callId, EventKind.callHangup).at(-1)?.type).toBe('ok'); // B answered our BYE
    expect(await b.exited, b.output()).toBe(0);
  });
});
