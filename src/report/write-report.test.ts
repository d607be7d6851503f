import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../../test/support/temp-dirs.js';
import { runChecks } from '../checks/check.js';
import { selectChecks } from '../checks/check-registry.js';
import { exampleReportInput } from './example-run.js';
import type { RunReport } from './report-model.js';
import { writeReport } from './write-report.js';

const tempDir = tempDirs();

describe('writeReport', () => {
  it('writes report.json, junit.xml, summary.md and report.html into the run directory', () => {
    const dir = tempDir('zd-run-');
    const input = exampleReportInput({ breakOne: true });
    const results = runChecks(selectChecks(['media-resumes', 'no-drop']), input.history, {
      bounds: input.scenario.bounds,
    });
    const { files, report } = writeReport(dir, { ...input, results });
    const json = JSON.parse(readFileSync(files.json, 'utf8')) as RunReport;
    expect(json.verdict).toBe(false);
    expect(json.exitCode).toBe(1);
    expect(json.findings[0]?.finding).toBe('lower-cseq');
    expect(json.checks.map((c) => c.name)).toEqual(['media-resumes', 'no-drop']);
    expect(json.calls).toHaveLength(report.calls.length);
    expect(readFileSync(files.junit, 'utf8')).toContain('<testsuite name="zerodrop.farm-crash-migrate"');
    expect(readFileSync(files.summary, 'utf8').startsWith('**Verdict: FAIL**')).toBe(true);
    expect(readFileSync(files.html, 'utf8')).toContain('class="timeline"');
  });
});
