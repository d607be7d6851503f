import { describe, expect, it } from 'vitest';
import { type MediaEventContext, mediaEvent, splitSource } from './media-event.js';

const ctx: MediaEventContext = {
  callId: 'call-A',
  direction: 'to-callee',
  toClockMs: (ms) => ms + 1000,
  callIdOf: (key) => (key === 9 ? 'call-B' : undefined),
  otherStallMs: (from, to) => Math.max(0, Math.min(to, 300) - Math.max(from, 100)),
  ptimeMs: 20,
};

describe('mediaEvent', () => {
  it('turns a gap into a media.gap event on the Clock, with the larger of both threads stalls', () => {
    const e = mediaEvent(
      {
        kind: 'gap',
        atMs: 400,
        startMs: 120,
        endMs: 400,
        durationMs: 280,
        lostPackets: 14,
        sentSpanMs: 280,
        localStallMs: 50,
      },
      ctx,
    );
    expect(e).toEqual({
      timeMs: 1400,
      process: 'call-A',
      type: 'info',
      kind: 'media.gap',
      value: {
        direction: 'to-callee',
        startMs: 1120,
        endMs: 1400,
        durationMs: 280,
        lostPackets: 14,
        sentSpanMs: 280,
        localStallMs: 200,
      },
    });
  });

  it('names the foreign call of crossed media, or its key when unknown', () => {
    const known = mediaEvent(
      { kind: 'crossed', atMs: 0, fromCallKey: 9, fromSide: 'caller', source: 'x:1' },
      ctx,
    );
    expect(known.value).toMatchObject({ fromCall: 'call-B', fromCallKey: 9 });
    const unknown = mediaEvent(
      { kind: 'crossed', atMs: 0, fromCallKey: 5, fromSide: 'callee', source: 'x:1' },
      ctx,
    );
    expect(unknown.value).toMatchObject({ fromCall: 'callKey:5' });
  });

  it('splits source keys into address and SSRC for changes and doubling', () => {
    const changed = mediaEvent(
      { kind: 'source-changed', atMs: 0, from: '1.2.3.4:5#6', to: '1.2.3.4:7#8', silenceMs: 400 },
      ctx,
    );
    expect(changed.kind).toBe('media.source-changed');
    expect(changed.value).toEqual({
      direction: 'to-callee',
      from: '1.2.3.4:5',
      to: '1.2.3.4:7',
      fromSsrc: 6,
      toSsrc: 8,
      silenceMs: 400,
    });
    const doubled = mediaEvent({ kind: 'doubled', atMs: 0, sources: ['a:1#2', 'b:3#4'] }, ctx);
    expect(doubled.value).toEqual({
      direction: 'to-callee',
      sources: [
        { address: 'a:1', ssrc: 2 },
        { address: 'b:3', ssrc: 4 },
      ],
    });
    expect(splitSource('a:1')).toEqual({ address: 'a:1', ssrc: Number.NaN });
  });
});
