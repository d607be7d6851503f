import { describe, expect, it } from 'vitest';
import type { CallSide } from '../common/event-kinds.js';
import { MediaPayload, PAYLOAD_BYTES } from './media-payload.js';
import { RtpHeader } from './rtp-header.js';
import { StallLog } from './stall-log.js';
import { Counter } from './stream-counters.js';
import { type ReceiverObservation, StreamReceiver } from './stream-receiver.js';

/** An RTP packet as our sender builds it. */
function packet(callKey: number, side: CallSide, seq: number, ssrc = 1): Buffer {
  const buf = Buffer.alloc(12 + PAYLOAD_BYTES);
  RtpHeader.write(buf, { payloadType: 0, marker: false, seq, timestamp: seq * 160, ssrc });
  MediaPayload.write(buf, 12, { callKey, side, seq, sendMs: seq * 20 });
  return buf;
}

function receiver(stalls = new StallLog(5)) {
  const seen: ReceiverObservation[] = [];
  const counters = new Float64Array(16);
  const r = new StreamReceiver({ expect: { callKey: 7, side: 'callee' } }, counters, stalls, (o) =>
    seen.push(o),
  );
  return { r, seen, counters };
}

describe('StreamReceiver', () => {
  it('reports start and a network gap with the lost packets of the expected identity', () => {
    const { r, seen, counters } = receiver();
    for (let seq = 0; seq < 5; seq++) r.receive(packet(7, 'callee', seq), '198.18.5.1', 4000, seq * 20);
    for (let seq = 15; seq < 20; seq++) r.receive(packet(7, 'callee', seq), '198.18.5.1', 4000, seq * 20 + 1);
    expect(seen).toEqual([
      { kind: 'started', atMs: 0, source: '198.18.5.1:4000', ssrc: 1 },
      {
        kind: 'gap',
        atMs: 301,
        startMs: 100,
        endMs: 301,
        durationMs: 201,
        lostPackets: 10,
        sentSpanMs: 200,
        localStallMs: 0,
      },
    ]);
    expect(counters[Counter.received]).toBe(10);
    expect(counters[Counter.lost]).toBe(10);
    expect(counters[Counter.gaps]).toBe(1);
  });

  it('does not report a silence our own stall explains (nothing lost), but counts it', () => {
    const stalls = new StallLog(5);
    stalls.add({ startMs: 45, endMs: 400 });
    const { r, seen, counters } = receiver(stalls);
    for (let seq = 0; seq < 3; seq++) r.receive(packet(7, 'callee', seq), 'a', 1, seq * 20);
    for (let seq = 3; seq < 8; seq++) r.receive(packet(7, 'callee', seq), 'a', 1, 400);
    expect(seen.filter((o) => o.kind === 'gap')).toEqual([]);
    expect(counters[Counter.localGaps]).toBe(1);
  });

  it('still reports a gap with loss that overlaps a stall, annotated with the stall', () => {
    const stalls = new StallLog(5);
    stalls.add({ startMs: 100, endMs: 200 });
    const { r, seen } = receiver(stalls);
    r.receive(packet(7, 'callee', 0), 'a', 1, 0);
    r.receive(packet(7, 'callee', 30), 'a', 1, 600);
    expect(seen.at(-1)).toMatchObject({ kind: 'gap', lostPackets: 29, localStallMs: 100 });
  });

  it('reports another call in the stream as crossed, once per foreign identity', () => {
    const { r, seen, counters } = receiver();
    r.receive(packet(7, 'callee', 0), 'a', 1, 0);
    r.receive(packet(9, 'caller', 0), 'b', 2, 5);
    r.receive(packet(9, 'caller', 1), 'b', 2, 25);
    r.receive(packet(7, 'caller', 0), 'c', 3, 30); // right call, wrong side: crossed too
    expect(seen.filter((o) => o.kind === 'crossed')).toEqual([
      { kind: 'crossed', atMs: 5, fromCallKey: 9, fromSide: 'caller', source: 'b:2' },
      { kind: 'crossed', atMs: 30, fromCallKey: 7, fromSide: 'caller', source: 'c:3' },
    ]);
    expect(counters[Counter.crossed]).toBe(3);
    expect(counters[Counter.received]).toBe(1);
  });

  it('reports two sources of the expected identity at once as doubled', () => {
    const { r, seen, counters } = receiver();
    for (let i = 0; i < 4; i++) {
      r.receive(packet(7, 'callee', i, 1), 'a', 1, i * 20);
      r.receive(packet(7, 'callee', i, 2), 'a', 1, i * 20 + 3); // same address, second SSRC
    }
    expect(seen.filter((o) => o.kind === 'doubled')).toEqual([
      { kind: 'doubled', atMs: 20, sources: ['a:1#2', 'a:1#1'] },
    ]);
    expect(counters[Counter.doubled]).toBeGreaterThanOrEqual(6);
  });

  it('counts RTP without our identity as unknown and non-RTP as malformed', () => {
    const { r, seen, counters } = receiver();
    const moh = Buffer.alloc(172, 0xff);
    RtpHeader.write(moh, { payloadType: 0, marker: false, seq: 1, timestamp: 0, ssrc: 5 });
    r.receive(moh, 'a', 1, 0);
    r.receive(Buffer.from('OPTIONS sip:x SIP/2.0\r\n'), 'a', 1, 1);
    expect(seen).toEqual([]);
    expect(counters[Counter.unknown]).toBe(1);
    expect(counters[Counter.malformed]).toBe(1);
  });

  it('reports a silence still running at stop as an open gap', () => {
    const { r, seen } = receiver();
    r.receive(packet(7, 'callee', 0), 'a', 1, 0);
    r.finish(500);
    expect(seen.at(-1)).toMatchObject({ kind: 'gap', startMs: 20, endMs: 500, open: true });
  });
});
