import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioConfigError } from '../common/errors.js';
import { loadOpsConfig, parseOpsConfig } from './ops-config.js';

const good = {
  pg: 'postgres://zerodrop:secret@db.example:5432/freeswitch',
  nodes: [
    { name: 'fs1', esl: { host: 'fs1.example', password: 'ClueCon' }, fence: 'ipmitool power off fs1' },
    { name: 'fs2', esl: { host: 'fs2.example', port: 8022, password: 'ClueCon' } },
  ],
};

const problem = (value: unknown): string => {
  try {
    parseOpsConfig(value, 'ops.json');
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioConfigError);
    return (e as Error).message;
  }
  throw new Error('accepted');
};

describe('ops config', () => {
  it('accepts a valid config and fills defaults (ESL port 8021, fence timeout 10 s)', () => {
    const c = parseOpsConfig(good);
    expect(c.nodes[0]).toEqual({
      name: 'fs1',
      esl: { host: 'fs1.example', port: 8021, password: 'ClueCon' },
      fence: 'ipmitool power off fs1',
      fenceTimeoutMs: 10_000,
    });
    expect(c.nodes[1]?.esl.port).toBe(8022);
    expect(c.nodes[1]?.fence).toBeUndefined();
  });

  it('names the file and the field that is wrong', () => {
    expect(problem({ ...good, pg: 'mysql://x' })).toMatch(/^ops\.json: pg: must be a postgres:\/\//);
    const badPort = structuredClone(good);
    (badPort.nodes[1]!.esl as { port: unknown }).port = '8021';
    expect(problem(badPort)).toMatch(/nodes\.1\.esl\.port/);
    expect(problem({ ...good, nodes: [{ ...good.nodes[0], name: 'FS 1' }] })).toMatch(/nodes\.0\.name/);
    expect(problem({ ...good, nodes: [good.nodes[0], good.nodes[0]] })).toMatch(
      /nodes: node names must be distinct/,
    );
    expect(problem({ ...good, nodes: [{ ...good.nodes[0], fennce: 'x' }] })).toMatch(/nodes\.0.*fennce/);
    expect(problem({ ...good, nodes: [] })).toMatch(/nodes/);
  });

  it('reports an unreadable or non-JSON file by name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zd-ops-'));
    const file = join(dir, 'ops.json');
    writeFileSync(file, '{"pg": ');
    expect(() => loadOpsConfig(file)).toThrow(new RegExp(`${file}: not JSON`));
    expect(() => loadOpsConfig(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read/);
    writeFileSync(file, JSON.stringify(good));
    expect(loadOpsConfig(file).nodes.map((n) => n.name)).toEqual(['fs1', 'fs2']);
  });
});
