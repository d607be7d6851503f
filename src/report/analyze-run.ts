// Re-checking a stored run without a lab: read its files, run the checks, write results and reports again.
import { join } from 'node:path';
import { type Check, type CheckContext, type CheckResult, runChecks } from '../checks/check.js';
import { exitCode } from '../checks/exit-code.js';
import { ZerodropError } from '../common/errors.js';
import { RunFiles, readRun, writeRunJson } from '../history/run-dir.js';
import type { RunMeta, RunReport, ScenarioSummary } from './report-model.js';
import { writeReport } from './write-report.js';

/** What re-checking a run produced. */
export interface AnalyzedRun {
  results: CheckResult[];
  report: RunReport;
  exitCode: 0 | 1 | 2;
}

/** Options for analyzeRun. */
export interface AnalyzeOptions {
  /** The checks to run (the scenario runner's selection, e.g. selectChecks(names, expected)). */
  checks: Readonly<Record<string, Check>>;
  /** Overrides the bounds stored in scenario.json. */
  ctx?: Partial<CheckContext>;
  /** Used when the run has no run.json. */
  meta?: RunMeta;
}

/** Re-runs the checks over a stored run's history and rewrites results.json and the report files. */
export function analyzeRun(dir: string, o: AnalyzeOptions): AnalyzedRun {
  const run = readRun(dir);
  const scenario = scenarioSummary(run.scenario, join(dir, RunFiles.scenario));
  const meta = (run.meta as RunMeta | undefined) ?? o.meta;
  if (!meta?.implementation) {
    throw new ZerodropError(
      `${join(dir, RunFiles.meta)}: missing, and no run metadata given to analyze with`,
    );
  }
  const ctx: CheckContext = { bounds: scenario.bounds, ...o.ctx };
  const history = run.history.events;
  const results = runChecks(o.checks, history, ctx);
  writeRunJson(dir, RunFiles.results, results);
  const input = { scenario, history, results, meta };
  const { report } = writeReport(
    dir,
    run.history.truncatedTail === undefined ? input : { ...input, truncatedTail: run.history.truncatedTail },
  );
  return { results, report, exitCode: exitCode(results) };
}

/** The fields of scenario.json a report needs, checked with errors naming file and field. */
export function scenarioSummary(v: unknown, path: string): ScenarioSummary {
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  if (typeof o.name !== 'string' || o.name === '')
    throw new ZerodropError(`${path}: name must be a non-empty string`);
  const bounds = (typeof o.bounds === 'object' && o.bounds !== null ? o.bounds : {}) as Record<
    string,
    unknown
  >;
  if (typeof bounds.mediaResumeMs !== 'number' || !(bounds.mediaResumeMs > 0)) {
    throw new ZerodropError(`${path}: bounds.mediaResumeMs must be a positive number of ms`);
  }
  return {
    ...o,
    name: o.name,
    bounds: { ...bounds, mediaResumeMs: bounds.mediaResumeMs },
  } as ScenarioSummary;
}
