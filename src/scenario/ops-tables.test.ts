import { describe, expect, it } from 'vitest';
import { formatMigration, table } from './ops-tables.js';
import type { PlannedMigrationResult } from './planned-migration.js';

const result = (over: Partial<PlannedMigrationResult> = {}): PlannedMigrationResult => ({
  from: 'fs1',
  dryRun: false,
  fence: { method: 'container kill', ok: true, durationMs: 41.6 },
  calls: [
    {
      unitId: 'unit:a1',
      kind: 'bridge',
      uuids: ['a1', 'b1'],
      callIds: ['c-a1', 'c-b1'],
      target: 'fs2',
      status: 'moved',
      legsRecovered: 2,
    },
    {
      unitId: 'unit:a2',
      kind: 'single',
      uuids: ['a2'],
      callIds: ['c-a2'],
      target: 'fs2',
      status: 'failed',
      reason: 'a2: changed',
      legsRecovered: 0,
    },
  ],
  leftLegs: 0,
  malformed: [],
  notFound: [],
  recoveries: [{ node: 'fs2', expectedLegs: 2, recovered: 2, ok: true, durationMs: 12 }],
  ok: false,
  timingsMs: { fence: 41.6, move: 20, recover: 12, confirm: 300, total: 400 },
  ...over,
});

describe('ops tables', () => {
  it('pads columns to the widest cell', () => {
    expect(table(['A', 'BB'], [['xxx', 'y']])).toEqual(['A    BB', 'xxx  y']);
  });

  it('reports the fence, one line per call with status, target and recovered legs, recover per target, verdict', () => {
    const lines = formatMigration(result());
    expect(lines[0]).toBe('fence fs1 (container kill): ok in 42 ms');
    expect(lines[2]).toMatch(/^unit:a1 +bridge +c-a1 c-b1 +moved +fs2 +2 +2\/2$/);
    expect(lines[3]).toMatch(/^unit:a2 +single +c-a2 +failed +fs2 +1 +0\/1 +a2: changed$/);
    expect(lines).toContain('recover on fs2: 2 leg(s) (moved 2) in 12 ms');
    expect(lines.at(-1)).toBe('NOT OK');
  });

  it('a target that recovered fewer legs than it received gets the manual recover hint', () => {
    const lines = formatMigration(
      result({
        recoveries: [
          { node: 'fs2', expectedLegs: 3, recovered: 0, ok: false, durationMs: 1000, error: 'ESL down' },
        ],
      }),
    );
    expect(lines).toContain('recover on fs2: FAILED ESL down (moved 3) in 1000 ms');
    expect(lines).toContain(
      'the moved rows are on fs2: once it answers, run `fsctl recover` there (a rerun moves nothing)',
    );
  });

  it('says when nothing was fenced or the fence failed, and what was not found', () => {
    expect(formatMigration(result({ fence: 'none' }))[0]).toBe('fs1 NOT fenced (--no-fence)');
    const failed = formatMigration(
      result({
        fence: { method: 'hook: false', ok: false, durationMs: 3, error: 'fence command exited 1' },
        calls: [],
        recoveries: [],
        notFound: ['nosuch'],
        error: 'fence of fs1 failed, nothing moved: fence command exited 1',
      }),
    );
    expect(failed[0]).toBe('fence fs1 (hook: false): FAILED fence command exited 1 in 3 ms');
    expect(failed).toContain('NOT FOUND on fs1: nosuch');
    expect(failed).toContain('error: fence of fs1 failed, nothing moved: fence command exited 1');
  });

  it('a dry run shows the plan without recovered counts', () => {
    const lines = formatMigration(
      result({
        dryRun: true,
        fence: 'skipped',
        recoveries: [],
        ok: true,
        calls: [{ ...result().calls[0]!, status: 'planned', legsRecovered: 0 }],
      }),
    );
    expect(lines[0]).toBe('dry run: nothing fenced, moved or recovered');
    expect(lines[2]).toMatch(/planned +fs2 +2 +-$/);
    expect(lines.at(-1)).toBe('plan ok');
  });
});
