import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { selectChecks } from '../checks/check-registry.js';
import { createRunDir, RunFiles, writeRunJson } from '../history/run-dir.js';
import { analyzeRun } from './analyze-run.js';
import { exampleReportInput } from './example-run.js';

const made: string[] = [];
const tempDir = (prefix: string): string => {
  const d = mkdtempSync(prefix);
  made.push(d);
  return d;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function storedRun(breakOne: boolean) {
  const reports = tempDir(join(tmpdir(), 'zd-analyze-'));
  const { dir } = createRunDir(reports, 'farm-crash-migrate', new Date('2026-01-01T00:00:00Z'));
  const input = exampleReportInput({ breakOne });
  writeRunJson(dir, RunFiles.scenario, input.scenario);
  writeRunJson(dir, RunFiles.meta, input.meta);
  writeFileSync(join(dir, RunFiles.history), input.history.map((e) => `${JSON.stringify(e)}\n`).join(''));
  return dir;
}

describe('analyzeRun', () => {
  it('re-checks a stored run and writes results and every report file', () => {
    const dir = storedRun(true);
    const a = analyzeRun(dir, { checks: selectChecks(['media-resumes', 'no-drop']) });
    expect(a.exitCode).toBe(1);
    expect(a.results.map((r) => [r.name, r.valid])).toEqual([
      ['media-resumes', false],
      ['no-drop', true],
    ]);
    expect(JSON.parse(readFileSync(join(dir, RunFiles.results), 'utf8'))).toHaveLength(2);
    for (const f of [RunFiles.report, RunFiles.junit, RunFiles.summary, RunFiles.html]) {
      expect(existsSync(join(dir, f))).toBe(true);
    }
    expect(a.report.implementationLabel).toBe('fs-sim 0.1 (FreeSWITCH emulator)');
  });

  it('re-judges the same history against another bound', () => {
    const dir = storedRun(false);
    expect(analyzeRun(dir, { checks: selectChecks(['media-resumes']) }).exitCode).toBe(0);
    expect(
      analyzeRun(dir, { checks: selectChecks(['media-resumes']), ctx: { bounds: { mediaResumeMs: 300 } } })
        .exitCode,
    ).toBe(1);
  });

  it('names the broken field of scenario.json', () => {
    const dir = storedRun(false);
    writeRunJson(dir, RunFiles.scenario, { name: 'x', bounds: { mediaResumeMs: 'soon' } });
    expect(() => analyzeRun(dir, { checks: selectChecks(['no-drop']) })).toThrow(
      /scenario.json: bounds.mediaResumeMs must be a positive number of ms/,
    );
  });
});
