import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../history/history-builder.js';
import { mediaResumes } from './media-resumes.js';

const ctx = { bounds: { mediaResumeMs: 1500 } };

/** Two calls on fs1, one on fs2; fs1 crashes at 10 s, its calls move to fs2. */
function crash(): HistoryBuilder {
  return new HistoryBuilder()
    .answered('c1', { inviteMs: 0, answerMs: 200, node: 'fs1' })
    .answered('c2', { inviteMs: 100, answerMs: 300, node: 'fs1' })
    .answered('c3', { inviteMs: 150, answerMs: 350, node: 'fs2' })
    .fault(10_000, 'crash', 'fs1')
    .detect(10_300, 'fs1')
    .migrate(10_320, 10_330, 'fs1', 'fs2', 4)
    .recover(10_335, 10_390, 'fs2', 4)
    .reinvite('c1', 10_400)
    .reinvite('c2', 10_410);
}

describe('media-resumes', () => {
  it('is valid when every call up at the fault gets media back both ways within the bound', () => {
    const h = crash()
      .gap('c1', 'to-caller', 9_990, 10_520)
      .gap('c1', 'to-callee', 9_995, 10_610)
      .gaps('c2', 9_985, 10_530)
      .stats('c3', 'to-caller', 20_000, 19_990)
      .stats('c3', 'to-callee', 20_000, 19_995)
      .build();
    const r = mediaResumes(h, ctx);
    expect(r.valid).toBe(true);
    expect(r.perCall?.map((c) => [c.callId, c.valid])).toEqual([
      ['c1', true],
      ['c2', true],
      ['c3', true],
    ]);
    const c1 = r.perCall?.[0]?.data as {
      reinviteMs: number;
      directions: {
        direction: string;
        faultGapMs: number;
        lastBeforeFaultMs: number;
        firstAfterMs: number;
      }[];
    };
    expect(c1.reinviteMs).toBe(10_400);
    expect(c1.directions).toMatchObject([
      { direction: 'to-caller', lastBeforeFaultMs: 9_990, firstAfterMs: 10_520, faultGapMs: 530 },
      { direction: 'to-callee', lastBeforeFaultMs: 9_995, firstAfterMs: 10_610, faultGapMs: 615 },
    ]);
    expect(r.perCall?.[2]?.message).toContain('never interrupted');
    expect(r.details).toContain('3 of 3 calls');
  });

  it('takes the outage, not a jitter gap just after the fault, as the fault gap (a slow crash under load)', () => {
    const h = crash()
      .gap('c1', 'to-caller', 10_050, 10_110) // the node is still dying: a 60 ms hiccup
      .gap('c1', 'to-caller', 10_200, 10_520)
      .gaps('c2', 9_985, 10_530)
      .gap('c1', 'to-callee', 9_995, 10_610)
      .stats('c3', 'to-caller', 20_000, 19_990)
      .stats('c3', 'to-callee', 20_000, 19_995)
      .build();
    const c1 = mediaResumes(h, ctx).perCall?.[0]?.data as { directions: { faultGapMs: number }[] };
    expect(c1.directions.map((d) => d.faultGapMs)).toEqual([320, 615]);
  });

  it('is invalid when one direction stays silent too long', () => {
    const h = crash()
      .gap('c1', 'to-caller', 9_990, 10_520)
      .gap('c1', 'to-callee', 9_995, 12_100) // 2.1 s > 1.5 s
      .gaps('c2', 9_985, 10_530)
      .stats('c3', 'to-caller', 20_000, 19_990)
      .stats('c3', 'to-callee', 20_000, 19_995)
      .build();
    const r = mediaResumes(h, ctx);
    expect(r.valid).toBe(false);
    const c1 = r.perCall?.find((c) => c.callId === 'c1');
    expect(c1?.valid).toBe(false);
    expect(c1?.message).toMatch(/to-callee: gap 2105 ms from t=9\.995 s > bound 1500 ms/);
    expect(r.details).toContain('1 did not');
  });

  it('is invalid when media never came back (stats show the last packet at the fault)', () => {
    const h = crash()
      .gaps('c1', 9_990, 10_500)
      .stats('c2', 'to-caller', 20_000, 9_985)
      .stats('c2', 'to-callee', 20_000, 19_990)
      .stats('c3', 'to-caller', 20_000, 19_990)
      .stats('c3', 'to-callee', 20_000, 19_995)
      .build();
    const c2 = mediaResumes(h, ctx).perCall?.find((c) => c.callId === 'c2');
    expect(c2?.valid).toBe(false);
    expect(c2?.message).toMatch(/to-caller: silent since t=9\.985 s .* never resumed/);
  });

  it('is invalid for a call the network cut after the fault, even with media flowing until the BYE', () => {
    const h = crash()
      .gaps('c1', 9_990, 10_500)
      .gaps('c2', 9_990, 10_500)
      .stats('c3', 'to-caller', 10_030, 10_010)
      .stats('c3', 'to-callee', 10_030, 10_012)
      .bye('c3', 10_021, 'remote')
      .build();
    const c3 = mediaResumes(h, ctx).perCall?.find((c) => c.callId === 'c3');
    expect(c3?.valid).toBe(false);
    expect(c3?.message).toMatch(
      /to-caller: call cut by the network at t=10\.021 s before the scenario hung it up/,
    );
  });

  it('reads an open gap (silence still running at stream stop) as never resumed, or undecided if shorter than the bound', () => {
    const h = crash()
      .gaps('c1', 9_990, 10_500)
      .gap('c2', 'to-caller', 9_990, 10_500)
      .openGap('c2', 'to-callee', 9_990, 30_000)
      .gap('c3', 'to-caller', 29_000, 29_100)
      .openGap('c3', 'to-callee', 29_500, 30_000)
      .build();
    const r = mediaResumes(h, ctx);
    const c2 = r.perCall?.find((c) => c.callId === 'c2');
    expect(c2?.valid).toBe(false);
    expect(c2?.message).toContain('to-callee: silent since t=9.990 s (20010 ms until the call');
    expect(
      (c2!.data as { directions: { resumed: boolean; firstAfterMs?: number }[] }).directions[1],
    ).toMatchObject({
      resumed: false,
      firstAfterMs: undefined,
    });
    const c3 = r.perCall?.find((c) => c.callId === 'c3');
    expect(c3?.valid).toBe('unknown');
    expect(c3?.message).toContain('observation stopped 500 ms into a silence');
  });

  it('ignores calls answered after the fault or hung up before it', () => {
    const h = crash()
      .gaps('c1', 9_990, 10_500)
      .gaps('c2', 9_990, 10_500)
      .hangup('c3', 5_000)
      .answered('late', { inviteMs: 11_000, answerMs: 11_100, node: 'fs2' })
      .gap('late', 'to-caller', 12_000, 19_000)
      .build();
    const r = mediaResumes(h, ctx);
    expect(r.valid).toBe(true);
    expect(r.perCall?.map((c) => c.callId)).toEqual(['c1', 'c2']);
  });

  it('judges a call answered after the first fault against the next fault that struck it', () => {
    const h = crash()
      .gaps('c1', 9_990, 10_500)
      .gaps('c2', 9_990, 10_500)
      .hangup('c3', 5_000)
      .answered('late', { inviteMs: 11_000, answerMs: 11_100, node: 'fs2' })
      .fault(30_000, 'crash', 'fs2')
      .gap('late', 'to-caller', 29_995, 33_000)
      .gap('late', 'to-callee', 29_995, 30_400)
      .build();
    const late = mediaResumes(h, ctx).perCall?.find((c) => c.callId === 'late');
    expect(late?.valid).toBe(false);
    expect(late?.data).toMatchObject({ faultMs: 30_000 });
    expect(late?.message).toContain('to-caller: gap 3005 ms from t=29.995 s > bound 1500 ms');
  });

  it('is unknown when no call was up at the fault', () => {
    const h = new HistoryBuilder()
      .fault(1_000, 'crash', 'fs1')
      .answered('c1', { inviteMs: 2_000, answerMs: 2_100 })
      .build();
    const r = mediaResumes(h, ctx);
    expect(r.valid).toBe('unknown');
    expect(r.details).toMatch(/no call was answered/);
  });

  it('is unknown when a call shows no media data at all, or no packet after the fault', () => {
    const h = new HistoryBuilder()
      .answered('c1', { inviteMs: 0, answerMs: 100, media: false })
      .answered('c2', { inviteMs: 0, answerMs: 100 })
      .fault(5_000, 'crash', 'fs1')
      .build();
    const r = mediaResumes(h, ctx);
    expect(r.valid).toBe('unknown');
    expect(r.perCall?.[0]?.message).toContain('no media was observed');
    expect(r.perCall?.[1]?.message).toContain('no packet counted after the fault');
  });

  it('is unknown, not a failure, when the harness itself stalled long enough to explain the gap', () => {
    const h = crash()
      .gap('c1', 'to-caller', 9_990, 11_800, 900)
      .gap('c1', 'to-callee', 9_990, 10_500)
      .gaps('c2', 9_985, 10_530)
      .stats('c3', 'to-caller', 20_000, 19_990)
      .stats('c3', 'to-callee', 20_000, 19_995)
      .build();
    const r = mediaResumes(h, ctx);
    expect(r.valid).toBe('unknown');
    expect(r.perCall?.[0]?.message).toContain('the harness itself stalled 900 ms');
  });
});
