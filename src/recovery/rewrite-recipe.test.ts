import { describe, expect, it } from 'vitest';
import { fixtureHosts, fixtureRows, SOURCE_DUMPS } from '../../test/support/recovery-fixtures.js';
import type { NodeHost } from './node-host.js';
import { parseRecoveryRow } from './parse-recovery-row.js';
import { applyRecipe, rewriteRecipe } from './rewrite-recipe.js';
import { type RewriteOptions, rewriteRecoveryRow } from './rewrite-recovery-row.js';

const [a, b] = fixtureHosts() as [NodeHost, NodeHost];
const exp2 = fixtureRows('exp2-recovery-before-fs_a.tsv');

function recipeAndRewrite(metadata: string, opts: RewriteOptions) {
  const row = { ...exp2[0]!, metadata };
  const leg = parseRecoveryRow(row);
  const out = rewriteRecoveryRow(row, leg, opts).metadata;
  return { out, recipe: rewriteRecipe(metadata, out, leg, opts) };
}

describe('rewriteRecipe', () => {
  it('gives, for every fixture row, replacements that yield exactly the verified rewrite', () => {
    for (const dump of SOURCE_DUMPS)
      for (const row of fixtureRows(dump)) {
        const leg = parseRecoveryRow(row);
        const out = rewriteRecoveryRow(row, leg, { from: a, to: b });
        const recipe = rewriteRecipe(row.metadata, out.metadata, leg, { from: a, to: b });
        expect(recipe).toEqual([
          [' switchname="fs-a"', ' switchname="fs-b"'],
          ['127.0.0.2', '127.0.0.3'],
        ]);
        expect(applyRecipe(row.metadata, recipe!)).toBe(out.metadata);
      }
  });

  it('covers a new media port and a renamed profile', () => {
    const opts = { from: a, to: { ...b, profile: 'external' }, mediaPort: 10_002 };
    const { out, recipe } = recipeAndRewrite(exp2[0]!.metadata, opts);
    expect(recipe?.map(([from]) => from)).toEqual(
      expect.arrayContaining(['<recovery_profile_name>internal</recovery_profile_name>']),
    );
    expect(out).toContain('m%3Daudio%2010002%20');
    expect(applyRecipe(exp2[0]!.metadata, recipe!)).toBe(out);
  });

  it('refuses when a literal replacement would hit more than the bounded rewrite does', () => {
    // 127.0.0.20 is another host: the rewrite leaves it, a global replace of 127.0.0.2 would not
    const metadata = exp2[0]!.metadata.replace('<variables>', '<variables><peer_ip>127.0.0.20</peer_ip>');
    const { out, recipe } = recipeAndRewrite(metadata, { from: a, to: b });
    expect(out).toContain('<peer_ip>127.0.0.20</peer_ip>');
    expect(recipe).toBeUndefined();
  });

  it('refuses when one source address must become two target addresses', () => {
    const c = { ...b, node: 'c', switchname: 'fs-c', sipIp: '127.0.0.4', mediaIp: '127.0.0.5' };
    expect(recipeAndRewrite(exp2[0]!.metadata, { from: a, to: c }).recipe).toBeUndefined();
  });
});

describe('applyRecipe', () => {
  it('replaces every occurrence left to right without overlaps, in order, like PostgreSQL replace()', () => {
    expect(applyRecipe('aaa', [['aa', 'b']])).toBe('ba');
    expect(
      applyRecipe('x1y1', [
        ['1', '2'],
        ['2', '3'],
      ]),
    ).toBe('x3y3');
    expect(applyRecipe('$&', [['$&', '$$']])).toBe('$$');
  });
});
