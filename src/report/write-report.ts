// Writes a run's report files (report.json, junit.xml, summary.md, report.html) into its run directory.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunFiles } from '../history/run-dir.js';
import { renderJunit } from './junit-xml.js';
import { renderHtml } from './report-html.js';
import { buildReport, type ReportInput, type RunReport } from './report-model.js';
import { renderSummary } from './summary-md.js';

/** Paths of the files written. */
export interface WrittenReport {
  report: RunReport;
  files: { json: string; junit: string; summary: string; html: string };
}

/** Builds the report and writes all four files; returns the model and the paths. */
export function writeReport(dir: string, input: ReportInput): WrittenReport {
  const report = buildReport(input);
  const files = {
    json: join(dir, RunFiles.report),
    junit: join(dir, RunFiles.junit),
    summary: join(dir, RunFiles.summary),
    html: join(dir, RunFiles.html),
  };
  writeFileSync(files.json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(files.junit, renderJunit(report));
  writeFileSync(files.summary, renderSummary(report));
  writeFileSync(files.html, renderHtml(report));
  return { report, files };
}
