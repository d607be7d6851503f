// Media engine on loopback with real UDP sockets: exchange, measured gaps, crossed, doubled, source change.
import dgram from 'node:dgram';
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

/** Opens one stream of callKey/side expecting the other side of the same call. */
async function open(key: number, side: 'caller' | 'callee'): Promise<WorkerMediaStream> {
  const other = side === 'caller' ? 'callee' : 'caller';
  return (await engine.openStream({
    callId: `call-${key}`,
    callKey: key,
    side,
    expect: { callKey: key, side: other },
  })) as WorkerMediaStream;
}

/** A one-way UDP relay standing in for a media server: forwards whatever it gets to target, from its own port. */
async function relay(targetPort: number): Promise<{ port: number; close: () => void }> {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg) => sock.send(msg, targetPort, IP));
  await new Promise<void>((resolve) => sock.bind(0, IP, resolve));
  return { port: sock.address().port, close: () => sock.close() };
}

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
    const startedAt = performance.now();
    await delay(2_000);
    const a = caller.stats();
    const b = callee.stats();
    const elapsedSlots = (performance.now() - startedAt) / 20;
    caller.stop();
    callee.stop();
    await Promise.all([caller.finished(), callee.finished()]);
    for (const s of [a, b]) {
      // Every 20 ms slot is accounted for: sent, or skipped after a local stall on a busy machine.
      expect(Math.abs(s.sent + s.sendSkipped - elapsedSlots)).toBeLessThanOrEqual(3);
      expect(s.lost).toBe(0);
      expect(s.gaps).toBe(0);
      expect(s.crossed + s.doubled).toBe(0);
    }
    expect(b.received).toBeGreaterThanOrEqual(a.sent - 1);
    expect(a.received).toBeGreaterThanOrEqual(b.sent - 1);
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

  it('reports another call sending into a stream as crossed, naming that call', async () => {
    const one = await call(11);
    await call(12);
    const intruder = await open(12, 'caller'); // call 12's caller identity, pointed at call 11's callee
    intruder.setRemote(IP, one.callee.localPort);
    intruder.start();
    await delay(500);
    const crossed = ofKind(EventKind.mediaCrossed, 'call-11');
    expect(crossed).toHaveLength(1);
    expect(fields(crossed[0])).toMatchObject({
      direction: 'to-callee',
      fromCall: 'call-12',
      fromSide: 'caller',
      source: `${IP}:${intruder.localPort}`,
    });
    expect(one.callee.stats().crossed).toBeGreaterThanOrEqual(20);
    expect(ofKind(EventKind.mediaCrossed, 'call-12')).toEqual([]);
  });

  it('reports two senders of the expected identity at once as doubled', async () => {
    const one = await call(21);
    await delay(300);
    const twin = await open(21, 'caller'); // a second source of the caller's audio
    twin.setRemote(IP, one.callee.localPort);
    twin.start();
    await delay(500);
    const doubled = ofKind(EventKind.mediaDoubled, 'call-21');
    expect(doubled).toHaveLength(1);
    const v = fields(doubled[0]);
    expect(v.direction).toBe('to-callee');
    const ports = (v.sources as { address: string }[]).map((x) => x.address).sort();
    expect(ports).toEqual([`${IP}:${one.caller.localPort}`, `${IP}:${twin.localPort}`].sort());
    expect(one.callee.stats().doubled).toBeGreaterThanOrEqual(20);
    expect(ofKind(EventKind.mediaDoubled, 'call-21').every((e) => fields(e).direction === 'to-callee')).toBe(
      true,
    );
  });

  it('follows a media server failover: source change reported and the gap around it measured', async () => {
    const caller = await open(31, 'caller');
    const callee = await open(31, 'callee');
    const a = await relay(callee.localPort);
    const b = await relay(callee.localPort);
    callee.setRemote(IP, caller.localPort);
    caller.setRemote(IP, a.port);
    caller.start();
    callee.start();
    await delay(500);
    const diedAt = performance.now();
    a.close(); // server A dies: the caller's packets to it are lost
    await delay(400);
    caller.setRemote(IP, b.port); // the re-INVITE moved media to server B
    // The real outage, whatever the timers did on a busy machine.
    const outageMs = performance.now() - diedAt;
    await delay(400);
    b.close();
    const changed = ofKind(EventKind.mediaSourceChanged, 'call-31');
    expect(changed, JSON.stringify(changed)).toHaveLength(1);
    expect(fields(changed[0])).toMatchObject({
      direction: 'to-callee',
      from: `${IP}:${a.port}`,
      to: `${IP}:${b.port}`,
    });
    // The relays run on this test's own event loop; on a busy machine it can hiccup and delay
    // forwarding, a (correctly reported) gap with nothing lost. The outage is the gap with loss.
    const all = ofKind(EventKind.mediaGap, 'call-31').map(fields);
    const gaps = all.filter((g) => (g.lostPackets as number) > 0);
    expect(gaps, JSON.stringify(all)).toHaveLength(1);
    expect(gaps[0]?.direction).toBe('to-callee');
    expect(Math.abs((gaps[0]?.durationMs as number) - outageMs)).toBeLessThanOrEqual(20);
    expect(Math.abs((gaps[0]?.lostPackets as number) - outageMs / 20)).toBeLessThanOrEqual(1.5);
    expect((changed[0]?.timeMs ?? 0) - (gaps[0]?.endMs as number)).toBeCloseTo(0, 3);
  });

  it('does not report a local stall of the worker as a network gap, but counts it', async () => {
    const { caller, callee } = await call(41);
    await delay(400);
    await engine.blockWorkerForTest(300);
    await delay(400);
    expect(ofKind(EventKind.mediaGap, 'call-41')).toEqual([]);
    expect(caller.stats().localGaps).toBeGreaterThanOrEqual(1);
    expect(callee.stats().localGaps).toBeGreaterThanOrEqual(1);
    expect((await engine.health()).worker.maxStallMs).toBeGreaterThanOrEqual(250);
  });

  it('reports a silence still running at stop as an open gap', async () => {
    const { caller, callee } = await call(51);
    await delay(300);
    caller.stop(); // the caller's audio ends; the callee keeps listening
    await delay(300);
    callee.stop();
    await callee.finished();
    const gaps = ofKind(EventKind.mediaGap, 'call-51').map(fields);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({ direction: 'to-callee', open: true });
    expect(gaps[0]?.durationMs as number).toBeGreaterThanOrEqual(260);
  });

  it('refuses a remote that is not an IPv4 literal and port, naming the stream', async () => {
    const s = await open(61, 'caller');
    expect(() => s.setRemote('media.example', 4000)).toThrow(
      /call-61 \(caller\).*bad remote media\.example:4000/,
    );
    expect(() => s.setRemote(IP, 70_000)).toThrow(/bad remote/);
    await expect(MediaEngine.start({ bindIp: IP, portMin: 30_000 })).rejects.toThrow(/portMin\/portMax/);
  });

  it('binds even ports inside the configured range and skips ports already taken', async () => {
    const ranged = await MediaEngine.start({ bindIp: IP, portMin: 41_000, portMax: 41_010 });
    const squatter = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => squatter.bind(41_000, IP, resolve));
    try {
      const opts = {
        callId: 'r',
        callKey: 71,
        side: 'caller',
        expect: { callKey: 71, side: 'callee' },
      } as const;
      const ports = [];
      for (let i = 0; i < 3; i++) ports.push((await ranged.openStream(opts)).localPort);
      for (const p of ports) {
        expect(p % 2).toBe(0);
        expect(p).toBeGreaterThan(41_000);
        expect(p).toBeLessThanOrEqual(41_010);
      }
      expect(new Set(ports).size).toBe(3);
    } finally {
      squatter.close();
      await ranged.close();
    }
  });
});
