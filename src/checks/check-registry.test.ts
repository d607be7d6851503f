import { describe, expect, it } from 'vitest';
import { isScenarioConfigError } from '../common/errors.js';
import { HistoryBuilder } from '../history/history-builder.js';
import { runChecks } from './check.js';
import { CHECK_NAMES, selectChecks } from './check-registry.js';

describe('check registry', () => {
  it('selects checks by name and wraps the predicted failures', () => {
    const h = new HistoryBuilder()
      .answered('c1', { inviteMs: 0, answerMs: 100 })
      .fault(1_000, 'stop', 'fs1')
      .bye('c1', 1_010, 'remote')
      .build();
    const checks = selectChecks(['no-drop', 'no-crossed-media'], { 'no-drop': { why: 'stop hangs up' } });
    const results = runChecks(checks, h, { bounds: { mediaResumeMs: 1500 } });
    expect(results.map((r) => [r.name, r.valid, r.expectation?.met])).toEqual([
      ['no-drop', true, true],
      ['no-crossed-media', true, undefined],
    ]);
  });

  it('names the unknown check and the known ones', () => {
    expect(CHECK_NAMES).toContain('recovery-rows');
    try {
      selectChecks(['no-drop', 'no-dorp'], {}, 'scenarios/x.ts: checks[1]');
      expect.unreachable();
    } catch (e) {
      expect(isScenarioConfigError(e)).toBe(true);
      expect(String(e)).toMatch(
        /scenarios\/x.ts: checks\[1\]: unknown check "no-dorp"; known: media-resumes, no-drop/,
      );
    }
  });
});
