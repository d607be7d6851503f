// The run directory: reports/<time>-<scenario>/ holding everything needed to re-check a run, plus reports/latest.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ZerodropError } from '../common/errors.js';
import { readHistory, type StoredHistory } from './history-store.js';

/** File names inside a run directory. */
export const RunFiles = {
  scenario: 'scenario.json',
  /** Run metadata: implementation under test, proxy, seed, times. */
  meta: 'run.json',
  history: 'history.jsonl',
  results: 'results.json',
  report: 'report.json',
  junit: 'junit.xml',
  summary: 'summary.md',
  html: 'report.html',
} as const;

/** A created run directory. */
export interface RunDir {
  /** Absolute or reportsDir-relative path of the run folder. */
  dir: string;
  /** Folder name, `<yyyymmdd-hhmmss>-<scenario>`. */
  name: string;
}

/** Folder name for a run: UTC time first so that `ls` sorts runs by age. */
export function runDirName(startedAt: Date, scenario: string): string {
  const t = startedAt.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const safe = scenario.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'scenario';
  return `${t}-${safe}`;
}

/** Creates reports/<time>-<scenario>/ (suffixing -2, -3… on collision) and points reports/latest at it. */
export function createRunDir(reportsDir: string, scenario: string, startedAt: Date): RunDir {
  mkdirSync(reportsDir, { recursive: true });
  const base = runDirName(startedAt, scenario);
  let name = base;
  for (let n = 2; existsSync(join(reportsDir, name)); n++) name = `${base}-${n}`;
  const dir = join(reportsDir, name);
  mkdirSync(dir);
  linkLatest(reportsDir, name);
  return { dir, name };
}

/** Points reports/latest at a run folder; replaced atomically so readers never see it missing. */
export function linkLatest(reportsDir: string, name: string): void {
  const tmp = join(reportsDir, `.latest-${process.pid}-${Date.now()}`);
  rmSync(tmp, { force: true });
  symlinkSync(name, tmp, 'dir'); // relative target: the reports folder can be moved or archived
  renameSync(tmp, join(reportsDir, 'latest'));
}

/** Writes a JSON file in a run directory (pretty, newline-terminated). */
export function writeRunJson(dir: string, file: string, value: unknown): string {
  const path = join(dir, file);
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
  return path;
}

/** What a stored run holds, read back for `zerodrop analyze`. */
export interface StoredRun {
  dir: string;
  name: string;
  scenario: unknown;
  history: StoredHistory;
  /** run.json, absent in runs stored without it. */
  meta?: unknown;
  /** results.json, absent when the run died before its checks. */
  results?: unknown;
}

/** Reads scenario.json, history.jsonl and (if present) run.json and results.json of a run directory. */
export function readRun(dir: string): StoredRun {
  if (!existsSync(dir)) throw new ZerodropError(`run directory ${dir} does not exist`);
  const scenario = readJson(join(dir, RunFiles.scenario));
  const history = readHistory(join(dir, RunFiles.history));
  const run: StoredRun = { dir, name: basename(dir), scenario, history };
  const metaPath = join(dir, RunFiles.meta);
  if (existsSync(metaPath)) run.meta = readJson(metaPath);
  const resultsPath = join(dir, RunFiles.results);
  if (existsSync(resultsPath)) run.results = readJson(resultsPath);
  return run;
}

function readJson(path: string): unknown {
  if (!existsSync(path)) throw new ZerodropError(`${path} is missing`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ZerodropError(`${path}: not valid JSON`, { cause: e });
  }
}
