// `zerodrop analyze`: re-runs a stored run's checks from its history, without a lab, and rewrites its report.
import { type CheckResult, runChecks } from '../checks/check.js';
import { exitCode } from '../checks/exit-code.js';
import { systemClock } from '../common/clock.js';
import { History } from '../history/history.js';
import { RunFiles, readRun, writeRunJson } from '../history/run-dir.js';
import type { RunMeta } from '../report/report-model.js';
import { writeReport } from '../report/write-report.js';
import { parseScenario } from './define-scenario.js';
import { scenarioChecks } from './scenario-checks.js';

/** Re-checks the run in dir; returns the results and the exit code they give. */
export function analyzeRun(dir: string): { results: CheckResult[]; exitCode: 0 | 1 | 2; reportHtml: string } {
  const run = readRun(dir);
  const scenario = parseScenario(run.scenario, `${dir}/${RunFiles.scenario}`);
  const history = History.from(run.history.events, systemClock);
  const results = runChecks(scenarioChecks(scenario), history.events, {
    bounds: { mediaResumeMs: scenario.bounds.mediaResumeMs },
  });
  writeRunJson(dir, RunFiles.results, results);
  const meta = (run.meta ?? {
    implementation: { name: 'unknown', emulator: false },
    seed: scenario.seed ?? 'unknown',
    startedAt: run.history.events[0]?.wallTime ?? '',
  }) as RunMeta;
  const written = writeReport(dir, {
    scenario: {
      name: scenario.name,
      description: scenario.description,
      topology: scenario.topology.kind,
      bounds: scenario.bounds,
    },
    history: history.events,
    results,
    meta,
    ...(run.history.truncatedTail ? { truncatedTail: run.history.truncatedTail } : {}),
  });
  return { results, exitCode: exitCode(results), reportHtml: written.files.html };
}
