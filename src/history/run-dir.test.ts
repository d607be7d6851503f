import { existsSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../../test/support/temp-dirs.js';
import { ManualClock } from '../common/clock.js';
import { History } from './history.js';
import { HistoryStore } from './history-store.js';
import { createRunDir, RunFiles, readRun, runDirName, writeRunJson } from './run-dir.js';

const tempDir = tempDirs();

describe('run directories', () => {
  it('names runs by UTC time then scenario, made safe for a path', () => {
    expect(runDirName(new Date('2026-11-27T11:00:18.123Z'), 'farm crash/migrate')).toBe(
      '20261127-110018-farm-crash-migrate',
    );
  });

  it('creates distinct folders for runs in the same second and moves latest to the newest', () => {
    const reports = tempDir('zd-reports-');
    const at = new Date('2026-11-27T11:00:18Z');
    const a = createRunDir(reports, 'demo', at);
    const b = createRunDir(reports, 'demo', at);
    expect(a.name).toBe('20261127-110018-demo');
    expect(b.name).toBe('20261127-110018-demo-2');
    expect(readlinkSync(join(reports, 'latest'))).toBe(b.name);
    expect(existsSync(join(reports, 'latest', '.'))).toBe(true);
  });

  it('stores scenario, history and results so that a run can be read back', () => {
    const reports = tempDir('zd-reports-');
    const { dir } = createRunDir(reports, 'demo', new Date());
    writeRunJson(dir, RunFiles.scenario, { name: 'demo', bounds: { mediaResumeMs: 1500 } });
    const h = new History(new ManualClock());
    const store = HistoryStore.open(join(dir, RunFiles.history)).follow(h);
    h.record('c1', 'invoke', 'call.invite', {});
    store.close();
    let run = readRun(join(reports, 'latest'));
    expect(run.scenario).toEqual({ name: 'demo', bounds: { mediaResumeMs: 1500 } });
    expect(run.history.events).toHaveLength(1);
    expect(run.results).toBeUndefined();
    writeRunJson(dir, RunFiles.results, [{ name: 'no-drop', valid: true }]);
    run = readRun(dir);
    expect(run.results).toEqual([{ name: 'no-drop', valid: true }]);
  });

  it('says which file is missing or broken', () => {
    const reports = tempDir('zd-reports-');
    const { dir } = createRunDir(reports, 'demo', new Date());
    expect(() => readRun(dir)).toThrow(/scenario.json is missing/);
    writeFileSync(join(dir, RunFiles.scenario), '{oops');
    expect(() => readRun(dir)).toThrow(/scenario.json: not valid JSON/);
    expect(() => readRun(join(reports, 'nope'))).toThrow(/does not exist/);
  });
});
