import { describe, expect, it } from 'vitest';
import { RecoveryRowError } from '../common/errors.js';
import { encodeMoveParams, LIST_SEPARATOR as RS, RECIPE_SEPARATOR as US } from './move-params.js';
import type { MoveLeg } from './recovery-store.js';

const leg = (over: Partial<MoveLeg> = {}): MoveLeg => ({
  to: 'b',
  unit: 'u1',
  uuid: 'x1',
  version: '100',
  partner: undefined,
  metadata: '<cdr/>',
  recipe: [['127.0.0.2', '127.0.0.3']],
  ...over,
});

describe('encodeMoveParams', () => {
  it('joins one entry per leg, empty for none, and names one target when all legs share it', () => {
    const p = encodeMoveParams([
      leg(),
      leg({ unit: 'u2', uuid: 'x2', version: undefined, partner: 'x1', recipe: undefined }),
    ]);
    expect(p).toEqual({
      to: 'b',
      unit: `u1${RS}u2`,
      uuid: `x1${RS}x2`,
      version: `100${RS}`,
      partner: `${RS}x1`,
      // a recipe without a version would hold for no known row: the second leg ships its XML
      metadata: `${RS}<cdr/>`,
      recipe: `1${RS}`,
      recipes: `127.0.0.2${US}127.0.0.3`,
    });
  });

  it('ships each distinct recipe once and numbers the legs’ recipes from 1, in order of first use', () => {
    const other: MoveLeg['recipe'] = [['fs-a', 'fs-b']];
    const p = encodeMoveParams([
      leg(),
      leg({ uuid: 'x2', recipe: other }),
      leg({ uuid: 'x3' }),
      leg({ uuid: 'x4', recipe: [['fs-a', 'fs-b']] }),
    ]);
    expect(p.recipe).toBe(['1', '2', '1', '2'].join(RS));
    expect(p.recipes).toBe([`127.0.0.2${US}127.0.0.3`, `fs-a${US}fs-b`].join(RS));
  });

  it('encodes no legs as empty lists', () => {
    expect(Object.values(encodeMoveParams([])).every((v) => v === '')).toBe(true);
  });

  it('lists each leg’s target when a spread has several', () => {
    expect(encodeMoveParams([leg(), leg({ uuid: 'x2', unit: 'u2', to: 'c' })]).to).toBe(`b${RS}c`);
  });

  it('refuses separators inside ids, metadata or recipes, empty uuids and pairs that replace nothing', () => {
    const bad: Partial<MoveLeg>[] = [
      { uuid: `x${RS}y` },
      { uuid: '' },
      { to: `b${RS}c` },
      { recipe: undefined, metadata: `<a>${US}</a>` },
      { recipe: [[`1${RS}`, '2']] },
      { recipe: [['', '2']] },
      { recipe: [] },
    ];
    for (const b of bad)
      expect(() => encodeMoveParams([leg(b)]), JSON.stringify(b)).toThrow(RecoveryRowError);
    expect(() => encodeMoveParams([leg(), leg({ unit: 'u2' })])).toThrow(/x1: .*listed twice/);
  });
});
