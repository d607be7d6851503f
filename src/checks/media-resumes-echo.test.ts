import { describe, expect, it } from 'vitest';
import { EventKind } from '../common/event-kinds.js';
import { HistoryBuilder } from '../history/history-builder.js';
import { mediaResumes } from './media-resumes.js';

/** Echo call e1 answered on node at 100 ms, media to the caller from 120 ms; fs1 crashes at 5 s. */
function echoCallHitByCrash(node: string): HistoryBuilder {
  return new HistoryBuilder()
    .event(0, 'e1', 'invoke', EventKind.callInvite, { callId: 'e1', mode: 'echo' })
    .event(100, 'e1', 'ok', EventKind.callAnswered, { callId: 'e1', node, legCallIds: ['e1'] })
    .event(120, 'e1', 'info', EventKind.mediaStarted, { direction: 'to-caller', source: node })
    .fault(5_000, 'crash', 'fs1');
}

// An echo call has no callee: only the caller hears (its own) media, so only to-caller is judged.
describe('media-resumes on echo calls', () => {
  it('judges only the to-caller direction of an echo call', () => {
    const h = echoCallHitByCrash('fs1')
      .gap('e1', 'to-caller', 4_990, 5_600)
      .stats('e1', 'to-caller', 9_000, 8_990)
      .build();
    const r = mediaResumes(h, { bounds: { mediaResumeMs: 1_500 } });
    expect(r.valid).toBe(true);
    expect(r.perCall?.[0]?.message).toBe('to-caller: resumed after 610 ms');
  });

  it('still fails an echo call whose media never comes back', () => {
    const h = echoCallHitByCrash('fs1').stats('e1', 'to-caller', 9_000, 4_990).build();
    expect(mediaResumes(h, { bounds: { mediaResumeMs: 1_500 } }).valid).toBe(false);
  });
});

describe('media-resumes at the end of a call', () => {
  it('ignores the silence that starts when the scenario hangs the call up', () => {
    const h = echoCallHitByCrash('fs1')
      .gap('e1', 'to-caller', 4_990, 5_600)
      .hangup('e1', 9_000)
      .openGap('e1', 'to-caller', 9_050, 9_200)
      .build();
    const r = mediaResumes(h, { bounds: { mediaResumeMs: 1_500 } });
    expect(r.valid).toBe(true);
  });
});

describe('media-resumes and the last packets before a hangup', () => {
  it('a short open silence just before the hangup, after media came back, is the call ending', () => {
    const h = echoCallHitByCrash('fs1')
      .gap('e1', 'to-caller', 4_990, 5_600)
      .openGap('e1', 'to-caller', 8_950, 9_010)
      .hangup('e1', 9_000);
    expect(mediaResumes(h.build(), { bounds: { mediaResumeMs: 1_500 } }).valid).toBe(true);
  });

  it('but an open silence that began with the fault is still undecided when the hangup cuts it short', () => {
    const h = echoCallHitByCrash('fs1').openGap('e1', 'to-caller', 4_990, 6_000).hangup('e1', 5_900);
    expect(mediaResumes(h.build(), { bounds: { mediaResumeMs: 1_500 } }).valid).toBe('unknown');
  });
});

describe('media-resumes on a call the fault never touched', () => {
  it('a short silence starting just before the hangup, long after the fault, is the call ending', () => {
    const h = echoCallHitByCrash('fs2')
      .openGap('e1', 'to-caller', 8_950, 9_010)
      .hangup('e1', 9_000)
      .stats('e1', 'to-caller', 9_010, 8_950);
    expect(mediaResumes(h.build(), { bounds: { mediaResumeMs: 1_500 } }).valid).toBe(true);
  });
});
