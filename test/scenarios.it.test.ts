// The shipped scenario catalogue, end to end on fs-sim + Kamailio + RTPEngine: each must give its expected verdict.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunFiles } from '../src/history/run-dir.js';
import { loadScenario, scenarioFiles } from '../src/scenario/load-scenario.js';
import { runScenario } from '../src/scenario/run-scenario.js';

const files = scenarioFiles(['scenarios']);
const only = process.env.ZERODROP_SCENARIOS?.split(',').filter(Boolean);

describe('scenario catalogue on fs-sim', () => {
  it('ships the catalogue', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  for (const file of files) {
    const name = file.replace(/^scenarios\//, '').replace(/\.ts$/, '');
    it.skipIf(only !== undefined && !only.includes(name))(`${name} gives its expected verdict`, async () => {
      const scenario = await loadScenario(file);
      const lines: string[] = [];
      const out = await runScenario({
        scenario,
        seed: 7,
        reportsDir: join('reports', 'ci'),
        progress: (l) => lines.push(l),
      });
      const summary = readFileSync(join(out.dir, RunFiles.summary), 'utf8');
      // The report must exist and name the implementation under test, whatever the verdict.
      expect(summary).toContain('fs-sim');
      const failing = out.results.filter((r) => r.valid !== true).map((r) => `${r.name}: ${r.details}`);
      expect(failing, `${lines.slice(-15).join('\n')}\n${out.dir}`).toEqual([]);
      expect(out.exitCode).toBe(0);
    });
  }
});
