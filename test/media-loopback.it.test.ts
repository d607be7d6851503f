// Media engine on loopback with real UDP sockets: exchange, measured gaps, crossed, doubled, source change.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventDraft } from '../src/common/event.js';
import { EventKind } from '../src/common/event-kinds.js';
import { delay } from '../src/common/wait.js';
import { MediaEngine, type WorkerMediaStream } from '../src/media/media-engine.js';

const IP = '127.0.0.1';
let engine: MediaEngine;
let events: EventDraft[];

beforeEach(async () => {
  events = [];
  engine = await MediaEngine.start({ bindIp: IP, sink: (e) => events.push(e) });
});
afterEach(async () => {
  await engine.close();
});

/** Opens both streams of call key, wired to each other and sending. */
async function call(key: number): Promise<{ caller: WorkerMediaStream; callee: WorkerMediaStream }> {
  const callId = `call-${key}`;
  const caller = (await engine.openStream({
    callId,
    callKey: key,
    side: 'caller',
    expect: { callKey: key, side: 'callee' },
  })) as WorkerMediaStream;
  const callee = (await engine.openStream({
    callId,
    callKey: key,
    side: 'callee',
    expect: { callKey: key, side: 'caller' },
  })) as WorkerMediaStream;
  caller.setRemote(IP, callee.localPort);
  callee.setRemote(IP, caller.localPort);
  caller.start();
  callee.start();
  return { caller, callee };
}

const ofKind = (kind: string, callId?: string) =>
  events.filter((e) => e.kind === kind && (callId === undefined || e.process === callId));
const fields = (e: EventDraft | undefined) => e?.value as Record<string, unknown>;

describe('MediaEngine on loopback', () => {
  it('exchanges 50 packets per second both ways with nothing lost and no gap', async () => {
    const { caller, callee } = await call(1);
    await delay(2_000);
    const a = caller.stats();
    const b = callee.stats();
    caller.stop();
    callee.stop();
    await Promise.all([caller.finished(), callee.finished()]);
    for (const s of [a, b]) {
      expect(s.sent).toBeGreaterThanOrEqual(98);
      expect(s.sent).toBeLessThanOrEqual(102);
      expect(s.lost).toBe(0);
      expect(s.gaps).toBe(0);
      expect(s.crossed + s.doubled).toBe(0);
    }
    expect(b.received).toBeGreaterThanOrEqual(a.sent - 1);
    expect(
      ofKind(EventKind.mediaStarted)
        .map((e) => fields(e).direction)
        .sort(),
    ).toEqual(['to-callee', 'to-caller']);
    expect(ofKind(EventKind.mediaGap)).toEqual([]);
    const stats = ofKind(EventKind.mediaStats);
    expect(stats).toHaveLength(2);
    expect(stats.every((e) => e.process === 'call-1')).toBe(true);
  });

  it('measures a pause of one side to within 20 ms, in the right direction, with the packets lost', async () => {
    const { caller } = await call(2);
    await delay(500);
    const pauseMs = 300;
    const { slots } = await caller.pauseSending(pauseMs);
    await delay(pauseMs + 300);
    const gaps = ofKind(EventKind.mediaGap, 'call-2');
    expect(gaps).toHaveLength(1);
    const gap = fields(gaps[0]);
    expect(gap.direction).toBe('to-callee');
    expect(Math.abs((gap.durationMs as number) - pauseMs)).toBeLessThanOrEqual(20);
    expect(gap.lostPackets).toBe(slots);
    expect((gap.endMs as number) - (gap.startMs as number)).toBeCloseTo(gap.durationMs as number, 6);
  });
});
