import { describe, expect, it } from 'vitest';
import { runChecks } from '../checks/check.js';
import { selectChecks } from '../checks/check-registry.js';
import { exampleReportInput } from './example-run.js';
import { buildReport } from './report-model.js';
import { renderSummary } from './summary-md.js';

function md(breakOne: boolean, emulator = true) {
  const input = exampleReportInput({ breakOne });
  input.meta.implementation = emulator
    ? input.meta.implementation
    : { name: 'FreeSWITCH', version: '1.10.12', image: 'me/freeswitch:1.10.12', emulator: false };
  const results = runChecks(selectChecks(['media-resumes', 'no-drop']), input.history, {
    bounds: input.scenario.bounds,
  });
  return renderSummary(buildReport({ ...input, results }));
}

describe('summary.md', () => {
  it('opens with the verdict line, then names the implementation and flags the emulator', () => {
    const lines = md(false).split('\n');
    expect(lines[0]).toBe('**Verdict: PASS** ✅ — all 2 checks valid (exit 0)');
    expect(lines).toContain('- Implementation under test: **fs-sim 0.1 (FreeSWITCH emulator)**');
    expect(lines.some((l) => l.includes('fs-sim is an emulator, not FreeSWITCH'))).toBe(true);
  });

  it('fails first-line for a broken call and lists it in the call table with its gap', () => {
    const text = md(true, false);
    expect(text.split('\n')[0]).toMatch(
      /^\*\*Verdict: FAIL\*\* ❌ — media-resumes: 11 of 12 calls .* \(exit 1\)$/,
    );
    expect(text).toContain(
      'Implementation under test: **FreeSWITCH 1.10.12 from image me/freeswitch:1.10.12**',
    );
    expect(text).not.toContain('emulator, not FreeSWITCH');
    const row = text.split('\n').find((l) => l.startsWith('| call-004 |'));
    expect(row).toContain('| media-lost |');
    expect(row).toContain('| 20004 ms |');
    expect(text).toMatch(/\| 12\/12|11\/12 \(91\.7 %\)/);
  });

  it('keeps table rows intact when messages contain pipes', () => {
    const input = exampleReportInput();
    const results = [{ name: 'x|y', valid: false as const, details: 'a | b\nc' }];
    const text = renderSummary(buildReport({ ...input, results }));
    expect(text).toContain('| x\\|y | FAIL | a \\| b c |');
  });
});
