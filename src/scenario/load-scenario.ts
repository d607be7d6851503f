// Loads scenario files (.ts/.js modules exporting a scenario, or .json) and directories of them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ScenarioConfigError } from '../common/errors.js';
import { parseScenario } from './define-scenario.js';
import type { Scenario } from './scenario-schema.js';

const EXTENSIONS = new Set(['.ts', '.js', '.mjs', '.json']);

/** Expands files and directories into scenario file paths, sorted. */
export function scenarioFiles(paths: readonly string[]): string[] {
  return paths.flatMap((p) => {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch {
      throw new ScenarioConfigError(p, 'no such file or directory');
    }
    if (!st.isDirectory()) return [p];
    return readdirSync(p)
      .filter((f) => EXTENSIONS.has(extname(f)) && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
      .sort()
      .map((f) => join(p, f));
  });
}

/** Loads and validates one scenario file; errors name the file and the field. */
export async function loadScenario(path: string): Promise<Scenario> {
  const ext = extname(path);
  if (!EXTENSIONS.has(ext)) throw new ScenarioConfigError(path, `unsupported file type ${ext || '(none)'}`);
  let value: unknown;
  if (ext === '.json') {
    try {
      value = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new ScenarioConfigError(path, `not valid JSON: ${(e as Error).message}`);
    }
  } else {
    const mod = (await import(pathToFileURL(resolve(path)).href)) as {
      default?: unknown;
      scenario?: unknown;
    };
    value = mod.default ?? mod.scenario;
    if (value === undefined)
      throw new ScenarioConfigError(path, 'exports no scenario (export default defineScenario({...}))');
  }
  return parseScenario(value, path);
}
