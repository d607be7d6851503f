import { describe, expect, it } from 'vitest';
import { fixtureRows } from '../../test/support/recovery-fixtures.js';
import { groupMigrationUnits } from '../recovery/migration-unit.js';
import { parseRecoveryRows } from '../recovery/parse-recovery-row.js';
import { splitPlan } from './split-migration.js';

const legs = parseRecoveryRows(fixtureRows('exp2-recovery-before-fs_a.tsv')).legs;

describe('splitPlan', () => {
  it('cuts every bridge in two, one leg to each target, and alternates lone legs', () => {
    const units = groupMigrationUnits(legs);
    const plan = splitPlan(units, 'fs1', 'fs2', 'fs3');
    for (const u of units.filter((x) => x.kind === 'bridge')) {
      const parts = plan.assignments.filter((a) => a.unit.id.startsWith(`${u.id}/`));
      expect(parts.map((p) => [p.target, p.unit.uuids.length])).toEqual([
        ['fs2', 1],
        ['fs3', 1],
      ]);
      expect(parts.flatMap((p) => p.unit.uuids)).toEqual(u.uuids);
    }
    const lone = plan.assignments.filter((a) => a.unit.kind === 'single').map((a) => a.target);
    expect(lone).toEqual(['fs2', 'fs3']);
    expect(plan.legsByTarget).toEqual({ fs2: 3, fs3: 3 });
  });

  it('splits a conference of three members two to one, every leg assigned once', () => {
    const members = legs.slice(0, 3).map((l) => ({ ...l, partnerUuid: undefined, conference: 'room' }));
    const [room] = groupMigrationUnits(members);
    const plan = splitPlan([room!], 'fs1', 'fs2', 'fs3');
    expect(plan.assignments.map((a) => [a.unit.kind, a.target, a.unit.legs.length])).toEqual([
      ['conference', 'fs2', 2],
      ['conference', 'fs3', 1],
    ]);
    expect(plan.assignments.flatMap((a) => a.unit.uuids).sort()).toEqual([...room!.uuids].sort());
  });
});
