import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../history/history-builder.js';
import { noCrossedMedia } from './no-crossed-media.js';

const ctx = { bounds: { mediaResumeMs: 1500 } };
const two = () =>
  new HistoryBuilder()
    .answered('c1', { inviteMs: 0, answerMs: 100 })
    .answered('c2', { inviteMs: 0, answerMs: 100 });

/** A conference member of room, answered at 100 ms, hearing media from 120 ms. */
const member = (b: HistoryBuilder, callId: string, room: string) =>
  b
    .event(0, callId, 'invoke', 'call.invite', { callId, mode: 'conference', room })
    .event(100, callId, 'ok', 'call.answered', { callId, answerMs: 100, legCallIds: [callId] })
    .event(120, callId, 'info', 'media.started', { direction: 'to-caller', source: 'fs1' });

describe('no-crossed-media', () => {
  it('is valid when every call hears only itself, even when its source moves to another node', () => {
    const h = two()
      .event(5_500, 'c1', 'info', 'media.source-changed', { direction: 'to-caller', from: 'fs1', to: 'fs2' })
      .build();
    const r = noCrossedMedia(h, ctx);
    expect(r.valid).toBe(true);
    expect(r.details).toBe('no crossed or doubled media on 2 call(s)');
  });

  it('is invalid for crossed media and for doubled media (the shared-table steal)', () => {
    const h = two()
      .crossed('c1', 5_600, 'to-caller', 'c2')
      .event(5_700, 'c2', 'info', 'media.doubled', {
        direction: 'to-callee',
        sources: [
          { address: '198.19.0.41:30010', ssrc: 11 },
          { address: '198.19.0.42:30010', ssrc: 12 },
        ],
      })
      .build();
    const r = noCrossedMedia(h, ctx);
    expect(r.valid).toBe(false);
    expect(r.details).toBe('1 call(s) with crossed media, 1 with doubled media');
    expect(r.perCall?.map((c) => c.message)).toEqual([
      'to-caller carried audio of c2 at t=5.600 s',
      'to-callee had 2 sources at once (198.19.0.41:30010#11, 198.19.0.42:30010#12) at t=5.700 s',
    ]);
  });

  it('is unknown when no media was observed at all', () => {
    const h = new HistoryBuilder().answered('c1', { inviteMs: 0, answerMs: 100, media: false }).build();
    expect(noCrossedMedia(h, ctx).valid).toBe('unknown');
  });

  it('lets a conference member hear the other members of its room', () => {
    const b = new HistoryBuilder();
    for (const m of ['m1', 'm2', 'm3']) member(b, m, 'conference-1');
    const h = b.crossed('m1', 200, 'to-caller', 'm3').crossed('m2', 200, 'to-caller', 'm1').build();
    const r = noCrossedMedia(h, ctx);
    expect(r.valid).toBe(true);
    expect(r.perCall?.[0]?.message).toBe('only its room conference-1, one source at a time');
  });

  it('calls audio from another room, or from a plain call, crossed', () => {
    const b = new HistoryBuilder();
    for (const m of ['m1', 'm2']) member(b, m, 'conference-1');
    for (const m of ['n1', 'n2']) member(b, m, 'conference-2');
    b.answered('c1', { inviteMs: 0, answerMs: 100 });
    const h = b
      .crossed('m1', 300, 'to-caller', 'm2')
      .crossed('m1', 5_600, 'to-caller', 'n1')
      .crossed('n2', 5_600, 'to-caller', 'c1')
      .build();
    const r = noCrossedMedia(h, ctx);
    expect(r.valid).toBe(false);
    expect(r.details).toBe('2 call(s) with crossed media, 0 with doubled media');
    const bad = r.perCall?.filter((c) => c.valid === false).map((c) => [c.callId, c.message]);
    expect(bad).toEqual([
      ['m1', 'to-caller carried audio of n1 at t=5.600 s'],
      ['n2', 'to-caller carried audio of c1 at t=5.600 s'],
    ]);
  });
});
