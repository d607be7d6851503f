import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../history/history-builder.js';
import { noCrossedMedia } from './no-crossed-media.js';

const ctx = { bounds: { mediaResumeMs: 1500 } };
const two = () =>
  new HistoryBuilder()
    .answered('c1', { inviteMs: 0, answerMs: 100 })
    .answered('c2', { inviteMs: 0, answerMs: 100 });

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
});
