import { describe, expect, it } from 'vitest';
import { fixtureRows, synthesizeRows } from '../../test/support/recovery-fixtures.js';
import { groupMigrationUnits } from './migration-unit.js';
import { parseRecoveryRows } from './parse-recovery-row.js';
import { planMigration } from './plan-migration.js';

const legs = parseRecoveryRows(synthesizeRows(fixtureRows('exp2-recovery-before-fs_a.tsv'), 60)).legs;

describe('planMigration', () => {
  it('sends every unit to the one target', () => {
    const plan = planMigration({ legs, from: 'a', to: 'b' });
    expect(plan.assignments.every((x) => x.target === 'b')).toBe(true);
    expect(plan.legsByTarget).toEqual({ b: 60 });
  });

  it('spreads by load and never splits a unit', () => {
    const plan = planMigration({ legs, from: 'a', to: ['b', 'c', 'd'], loads: { b: 30, c: 0, d: 10 } });
    const total = (t: string) => ({ b: 30, c: 0, d: 10 })[t]! + plan.legsByTarget[t]!;
    expect(plan.legsByTarget.b! + plan.legsByTarget.c! + plan.legsByTarget.d!).toBe(60);
    // greedy by size: final loads end within one unit (2 legs) of each other
    const finals = ['b', 'c', 'd'].map(total);
    expect(Math.max(...finals) - Math.min(...finals)).toBeLessThanOrEqual(2);
    const targetOf = new Map(plan.assignments.flatMap((x) => x.unit.uuids.map((u) => [u, x.target])));
    for (const l of legs) if (l.partnerUuid) expect(targetOf.get(l.partnerUuid)).toBe(targetOf.get(l.uuid));
    expect(targetOf.size).toBe(60);
  });

  it('is deterministic whatever the order of legs, units or targets', () => {
    const one = planMigration({ legs, from: 'a', to: ['b', 'c'] });
    const two = planMigration({ units: groupMigrationUnits([...legs].reverse()), from: 'a', to: ['c', 'b'] });
    expect(two.assignments.map((x) => [x.unit.id, x.target])).toEqual(
      one.assignments.map((x) => [x.unit.id, x.target]),
    );
  });

  it('rejects no targets and the source as a target', () => {
    expect(() => planMigration({ legs, from: 'a', to: [] })).toThrow(/no target node/);
    expect(() => planMigration({ legs, from: 'a', to: ['a', 'b'] })).toThrow(/includes the source node a/);
  });
});
