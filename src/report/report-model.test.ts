import { describe, expect, it } from 'vitest';
import { runChecks } from '../checks/check.js';
import { selectChecks } from '../checks/check-registry.js';
import { exampleHistory, exampleReportInput } from './example-run.js';
import { buildReport, implementationLabel } from './report-model.js';

const ALL = ['media-resumes', 'no-drop', 'no-crossed-media', 'recovery-rows', 'new-calls-succeed'];

function report(breakOne = false, expected = {}) {
  const input = exampleReportInput({ breakOne });
  const results = runChecks(selectChecks(ALL, expected), input.history, { bounds: input.scenario.bounds });
  return buildReport({ ...input, results });
}

describe('report model', () => {
  it('names the implementation under test, saying when it is the emulator', () => {
    expect(implementationLabel({ name: 'fs-sim', version: '0.1', emulator: true })).toBe(
      'fs-sim 0.1 (FreeSWITCH emulator)',
    );
    expect(
      implementationLabel({ name: 'FreeSWITCH', version: '1.10.12', image: 'me/fs:1', emulator: false }),
    ).toBe('FreeSWITCH 1.10.12 from image me/fs:1');
  });

  it('summarises a clean failover: verdict, statuses, timings, findings', () => {
    const r = report();
    expect(r.verdict).toBe(true);
    expect(r.exitCode).toBe(0);
    expect(r.verdictLine).toBe('PASS — all 5 checks valid');
    expect(r.calls.filter((c) => c.status === 'survived')).toHaveLength(12);
    expect(r.calls.filter((c) => c.status === 'not-at-risk').map((c) => c.callId)).toEqual([
      'during-failover',
    ]);
    const c1 = r.calls.find((c) => c.callId === 'call-001');
    expect(c1?.directions['to-caller']).toMatchObject({
      lastBeforeFaultMs: 19_981,
      firstAfterMs: 20_520,
      faultGapMs: 539,
    });
    expect(c1?.reinviteMs).toBe(20_420);
    expect(r.stats).toMatchObject({ callsAtFault: 12, callsSurvived: 12, survival: 1, detectMs: 310 });
    expect(r.findings).toEqual([
      expect.objectContaining({ callId: 'call-007', finding: 'lower-cseq', side: 'callee' }),
    ]);
    expect(r.faults).toHaveLength(1);
    expect(r.t0Ms).toBe(0);
  });

  it('warns about false detections, failed controller steps and a cut-short history', () => {
    const input = exampleReportInput();
    const b = exampleHistory()
      .detect(4_000, 'fs3')
      .event(20_500, 'controller', 'fail', 'controller.recover', {
        node: 'fs2',
        error: 'no reply within 1000 ms',
      });
    const r = buildReport({ ...input, history: b.build(), results: [], truncatedTail: '{"ind' });
    expect(r.warnings).toEqual([
      'controller declared fs3 dead at t=4.000 s, before the first fault (t=20.000 s): a false detection takes healthy calls down',
      'controller recover fs2 failed at t=20.500 s: no reply within 1000 ms',
      'history.jsonl ends with a line cut short: the harness crashed while writing it',
    ]);
    expect(report().warnings).toEqual([]);
  });

  it('names nodes by the lab.up host list rather than by Contact address', () => {
    const input = exampleReportInput();
    const history = [
      {
        index: 0,
        timeMs: 0,
        wallTime: '',
        process: 'lab',
        type: 'ok' as const,
        kind: 'lab.up',
        value: { hosts: [['fs9', '198.19.7.49']] },
      },
      {
        index: 1,
        timeMs: 1,
        wallTime: '',
        process: 'x',
        type: 'invoke' as const,
        kind: 'call.invite',
        value: { callId: 'x' },
      },
      {
        index: 2,
        timeMs: 2,
        wallTime: '',
        process: 'x',
        type: 'ok' as const,
        kind: 'call.answered',
        value: { node: '198.19.7.49' },
      },
    ];
    const r = buildReport({ ...input, history, results: [] });
    expect(r.calls[0]?.node).toBe('fs9');
  });

  it('marks a call whose media never came back and fails the run', () => {
    const r = report(true);
    expect(r.verdict).toBe(false);
    expect(r.exitCode).toBe(1);
    // a headline: the first clause of each failing check's details
    expect(r.verdictLine).toBe(
      'FAIL — media-resumes: 11 of 12 calls up at a fault resumed two-way media within 1500 ms',
    );
    const c4 = r.calls.find((c) => c.callId === 'call-004');
    expect(c4?.status).toBe('media-lost');
    expect(c4?.valid).toBe(false);
    expect(r.stats.unresumed).toBe(1);
  });

  it('says a demonstration passed because it failed as expected', () => {
    const r = report(true, {
      'media-resumes': { why: 'one leg is not re-INVITEd', failingCalls: ['call-004'] },
    });
    expect(r.verdict).toBe(true);
    expect(r.verdictLine).toBe(
      'PASS — failed exactly as expected: media-resumes (one leg is not re-INVITEd)',
    );
  });
});
