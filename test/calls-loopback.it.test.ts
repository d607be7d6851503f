// The call generator calling itself: caller UA -> callee UA on 127.0.0.1, two-way RTP, history events per call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallGenerator } from '../src/calls/call-generator.js';
import { CallState } from '../src/calls/harness-call.js';
import { systemClock } from '../src/common/clock.js';
import type { EventDraft } from '../src/common/event.js';
import { EventKind } from '../src/common/event-kinds.js';
import { MediaEngine } from '../src/media/media-engine.js';

const IP = '127.0.0.1';
const CALLS = 20;

describe('CallGenerator on loopback (bridge mode, no FreeSWITCH)', () => {
  const events: EventDraft[] = [];
  let media: MediaEngine;
  let gen: CallGenerator;

  beforeAll(async () => {
    media = await MediaEngine.start({ bindIp: IP, sink: (e) => events.push(e) });
    // the target is the generator's own callee: the caller's INVITE reaches it directly
    gen = await CallGenerator.start({
      localIp: IP,
      target: { address: IP, port: 0 },
      media,
      sink: (e) => events.push(e),
    });
  });

  afterAll(async () => {
    await gen?.close();
    await media?.close();
  });

  it(`places ${CALLS} calls at a rate, both sides hear each other, each call writes its history`, async () => {
    const target = gen.calleeAddress;
    const started = systemClock.nowMs();
    const calls = await gen.run({
      count: CALLS,
      ratePerSec: 40,
      holdMs: 1500,
      user: 'bridge',
      mode: 'bridge',
      domain: `${target.address}:${target.port}`,
      target,
    });
    await media.close(); // flushes media.stats of every stream
    expect(calls.map((c) => c.state)).toEqual(Array(CALLS).fill(CallState.Ended));
    const elapsed = systemClock.nowMs() - started;
    expect(elapsed).toBeGreaterThan(1500 + ((CALLS - 1) * 1000) / 40 - 50); // the rate was honoured

    for (const call of calls) {
      const mine = events.filter((e) => e.process === call.callId);
      const kinds = mine.map((e) => `${e.type}:${e.kind}`);
      expect(kinds).toEqual(
        expect.arrayContaining([
          `invoke:${EventKind.callInvite}`,
          `ok:${EventKind.callAnswered}`,
          `invoke:${EventKind.callHangup}`,
          `ok:${EventKind.callHangup}`,
          `info:${EventKind.callBye}`,
        ]),
      );
      // no gap beyond what a stall of the harness itself explains (the shared machine is loaded)
      const unexplained = mine
        .filter((e) => e.kind === EventKind.mediaGap)
        .filter((e) => {
          const v = e.value as { durationMs: number; localStallMs?: number };
          return v.durationMs - (v.localStallMs ?? 0) > 60;
        });
      expect(unexplained).toEqual([]);
      expect(mine.filter((e) => e.kind === EventKind.mediaCrossed)).toEqual([]);
      const stats = mine
        .filter((e) => e.kind === EventKind.mediaStats)
        .map((e) => e.value as { direction: string; received: number });
      expect(stats.map((s) => s.direction).sort()).toEqual(['to-callee', 'to-caller']);
      for (const s of stats) expect(s.received).toBeGreaterThan(60); // ~1.5 s of 20 ms packets
      const byes = mine.filter((e) => e.kind === EventKind.callBye).map((e) => e.value);
      expect(byes).toEqual(
        expect.arrayContaining([expect.objectContaining({ side: 'callee', by: 'remote' })]),
      );
    }
    expect(new Set(calls.map((c) => c.callKey)).size).toBe(CALLS);
    // a conformant peer (ourselves) gives no findings: no malformed ACK, no missing ACK, no unknown dialog
    expect(events.filter((e) => e.kind === EventKind.sipFinding).map((e) => e.value)).toEqual([]);
  });
});
