import { describe, expect, it } from 'vitest';
import { EventKind } from '../common/event-kinds.js';
import { HistoryBuilder } from '../history/history-builder.js';
import { mediaResumes } from './media-resumes.js';

// An echo call has no callee: only the caller hears (its own) media, so only to-caller is judged.
describe('media-resumes on echo calls', () => {
  it('judges only the to-caller direction of an echo call', () => {
    const h = new HistoryBuilder()
      .event(0, 'e1', 'invoke', EventKind.callInvite, { callId: 'e1', mode: 'echo' })
      .event(100, 'e1', 'ok', EventKind.callAnswered, { callId: 'e1', node: 'fs1', legCallIds: ['e1'] })
      .event(120, 'e1', 'info', EventKind.mediaStarted, { direction: 'to-caller', source: 'fs1' })
      .fault(5_000, 'crash', 'fs1')
      .gap('e1', 'to-caller', 4_990, 5_600)
      .stats('e1', 'to-caller', 9_000, 8_990)
      .build();
    const r = mediaResumes(h, { bounds: { mediaResumeMs: 1_500 } });
    expect(r.valid).toBe(true);
    expect(r.perCall?.[0]?.message).toBe('to-caller: resumed after 610 ms');
  });

  it('still fails an echo call whose media never comes back', () => {
    const h = new HistoryBuilder()
      .event(0, 'e1', 'invoke', EventKind.callInvite, { callId: 'e1', mode: 'echo' })
      .event(100, 'e1', 'ok', EventKind.callAnswered, { callId: 'e1', node: 'fs1', legCallIds: ['e1'] })
      .event(120, 'e1', 'info', EventKind.mediaStarted, { direction: 'to-caller', source: 'fs1' })
      .fault(5_000, 'crash', 'fs1')
      .stats('e1', 'to-caller', 9_000, 4_990)
      .build();
    expect(mediaResumes(h, { bounds: { mediaResumeMs: 1_500 } }).valid).toBe(false);
  });
});

describe('media-resumes at the end of a call', () => {
  it('ignores the silence that starts when the scenario hangs the call up', () => {
    const h = new HistoryBuilder()
      .event(0, 'e1', 'invoke', EventKind.callInvite, { callId: 'e1', mode: 'echo' })
      .event(100, 'e1', 'ok', EventKind.callAnswered, { callId: 'e1', node: 'fs1', legCallIds: ['e1'] })
      .event(120, 'e1', 'info', EventKind.mediaStarted, { direction: 'to-caller', source: 'fs1' })
      .fault(5_000, 'crash', 'fs1')
      .gap('e1', 'to-caller', 4_990, 5_600)
      .hangup('e1', 9_000)
      .openGap('e1', 'to-caller', 9_050, 9_200)
      .build();
    const r = mediaResumes(h, { bounds: { mediaResumeMs: 1_500 } });
    expect(r.valid).toBe(true);
  });
});

describe('media-resumes and the last packets before a hangup', () => {
  const base = () =>
    new HistoryBuilder()
      .event(0, 'e1', 'invoke', EventKind.callInvite, { callId: 'e1', mode: 'echo' })
      .event(100, 'e1', 'ok', EventKind.callAnswered, { callId: 'e1', node: 'fs1', legCallIds: ['e1'] })
      .event(120, 'e1', 'info', EventKind.mediaStarted, { direction: 'to-caller', source: 'fs1' })
      .fault(5_000, 'crash', 'fs1');

  it('a short open silence just before the hangup, after media came back, is the call ending', () => {
    const h = base()
      .gap('e1', 'to-caller', 4_990, 5_600)
      .openGap('e1', 'to-caller', 8_950, 9_010)
      .hangup('e1', 9_000);
    expect(mediaResumes(h.build(), { bounds: { mediaResumeMs: 1_500 } }).valid).toBe(true);
  });

  it('but an open silence that began with the fault is still undecided when the hangup cuts it short', () => {
    const h = base().openGap('e1', 'to-caller', 4_990, 6_000).hangup('e1', 5_900);
    expect(mediaResumes(h.build(), { bounds: { mediaResumeMs: 1_500 } }).valid).toBe('unknown');
  });
});

describe('media-resumes on a call the fault never touched', () => {
  it('a short silence starting just before the hangup, long after the fault, is the call ending', () => {
    const h = new HistoryBuilder()
      .event(0, 'e1', 'invoke', EventKind.callInvite, { callId: 'e1', mode: 'echo' })
      .event(100, 'e1', 'ok', EventKind.callAnswered, { callId: 'e1', node: 'fs2', legCallIds: ['e1'] })
      .event(120, 'e1', 'info', EventKind.mediaStarted, { direction: 'to-caller', source: 'fs2' })
      .fault(5_000, 'crash', 'fs1')
      .openGap('e1', 'to-caller', 8_950, 9_010)
      .hangup('e1', 9_000)
      .stats('e1', 'to-caller', 9_010, 8_950);
    expect(mediaResumes(h.build(), { bounds: { mediaResumeMs: 1_500 } }).valid).toBe(true);
  });
});
