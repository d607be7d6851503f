import { describe, expect, it } from 'vitest';
import { EventKind } from '../common/event-kinds.js';
import { HistoryBuilder } from '../history/history-builder.js';
import { mediaResumes } from './media-resumes.js';

/** Members m1, m2 of conference-1 on fs1 (media to each from 120 ms); fs1 crashes at 5 s. */
function roomHitByCrash(): HistoryBuilder {
  const b = new HistoryBuilder();
  for (const m of ['m1', 'm2']) {
    b.event(0, m, 'invoke', EventKind.callInvite, { callId: m, mode: 'conference', room: 'conference-1' })
      .event(100, m, 'ok', EventKind.callAnswered, { callId: m, node: 'fs1', legCallIds: [m] })
      .event(120, m, 'info', EventKind.mediaStarted, { direction: 'to-caller', source: 'fs1' });
  }
  return b.fault(5_000, 'crash', 'fs1');
}

// A conference member is one leg: it hears the room, nothing goes toward a callee of ours.
describe('media-resumes on conference members', () => {
  it('judges only what each member hears', () => {
    const h = roomHitByCrash()
      .gap('m1', 'to-caller', 4_990, 5_400)
      .gap('m2', 'to-caller', 4_990, 5_450)
      .stats('m1', 'to-caller', 9_000, 8_990)
      .stats('m2', 'to-caller', 9_000, 8_990)
      .build();
    const r = mediaResumes(h, { bounds: { mediaResumeMs: 1_500 } });
    expect(r.valid).toBe(true);
    expect(r.perCall?.map((c) => c.message)).toEqual([
      'to-caller: resumed after 410 ms',
      'to-caller: resumed after 460 ms',
    ]);
  });

  it('fails the member whose room mate went silent (a split room: the neighbour is on another node)', () => {
    const h = roomHitByCrash()
      .gap('m1', 'to-caller', 4_990, 5_400)
      .stats('m1', 'to-caller', 9_000, 8_990)
      .stats('m2', 'to-caller', 9_000, 4_990)
      .build();
    const r = mediaResumes(h, { bounds: { mediaResumeMs: 1_500 } });
    expect(r.valid).toBe(false);
    expect(r.perCall?.map((c) => c.valid)).toEqual([true, false]);
  });
});
