import { describe, expect, it } from 'vitest';
import { fixtureRows } from '../../test/support/recovery-fixtures.js';
import { LegCache } from './leg-cache.js';

const rows = fixtureRows('exp2-recovery-before-fs_a.tsv').map((r, i) => ({ ...r, version: String(100 + i) }));

describe('LegCache', () => {
  it('returns the same legs as a fresh parse and reuses them while the version is unchanged', () => {
    const cache = new LegCache();
    const first = cache.parse(rows);
    const second = cache.parse(rows);
    expect(second.legs).toHaveLength(6);
    for (let i = 0; i < 6; i++) expect(second.legs[i]).toBe(first.legs[i]);
  });

  it('parses a row again when its version changes', () => {
    const cache = new LegCache();
    const first = cache.parse(rows);
    const changed = {
      ...rows[0]!,
      version: '999',
      metadata: rows[0]!.metadata.replace(/<local_media_port>\d+</, '<local_media_port>20000<'),
    };
    const again = cache.parse([changed, ...rows.slice(1)]);
    expect(again.legs[0]).not.toBe(first.legs[0]);
    expect(again.legs[0]?.localMediaPort).toBe(20_000);
  });

  it('remembers malformed rows as errors and forgets rows that are gone', () => {
    const cache = new LegCache();
    const bad = { ...rows[0]!, metadata: '<cdr>' };
    expect(cache.parse([bad]).errors.map((e) => e.uuid)).toEqual([bad.uuid]);
    expect(cache.parse([bad]).errors).toHaveLength(1);
    cache.parse(rows);
    cache.retain([rows[1]!.uuid]);
    expect(cache.size).toBe(1);
  });
});
