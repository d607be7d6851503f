import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../common/seeded-random.js';
import { selectTargets } from './select-targets.js';

const pool = { freeswitch: ['fs1', 'fs2', 'fs3'], primary: 'fs1', infra: { proxy: 'proxy' } };

describe('selectTargets', () => {
  it('chooses the same victim for the same seed', () => {
    const a = selectTargets('one', pool, new SeededRandom(9));
    expect(selectTargets('one', pool, new SeededRandom(9))).toEqual(a);
    expect(pool.freeswitch).toContain(a[0]);
  });

  it('resolves primary, standby, all, infra and explicit ids', () => {
    const r = new SeededRandom(1);
    expect(selectTargets('primary', pool, r)).toEqual(['fs1']);
    expect(selectTargets('standby', pool, r)[0]).not.toBe('fs1');
    expect(selectTargets('all', pool, r)).toEqual(['fs1', 'fs2', 'fs3']);
    expect(selectTargets('proxy', pool, r)).toEqual(['proxy']);
    expect(selectTargets(['fs2'], pool, r)).toEqual(['fs2']);
  });

  it('says what is missing', () => {
    expect(() => selectTargets('rtpengine', pool, new SeededRandom(1))).toThrow(/no rtpengine/);
    expect(() => selectTargets('standby', { ...pool, freeswitch: ['fs1'] }, new SeededRandom(1))).toThrow(
      /no standby/,
    );
  });
});
