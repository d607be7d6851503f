import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecoveryRow } from './recovery-row.js';
import { SqliteRecoveryStore } from './sqlite-recovery-store.js';

const row = (runtime: string, uuid: string, profile = 'internal'): RecoveryRow => ({
  runtime_uuid: runtime,
  technology: 'sofia',
  profile_name: profile,
  hostname: 'fs-a',
  uuid,
  metadata: `<cdr core-uuid="${runtime}" switchname="fs-a">\n</cdr>\n`,
});

describe('SQLite recovery store (sql.js)', () => {
  it('keeps rows in the file across a reopen, selects and deletes by runtime_uuid != own, flushes a profile', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fs-sim-sqlite-')), 'core.db');
    const a = await SqliteRecoveryStore.open(path);
    await a.ensureSchema();
    await a.insert(row('old', 'u1'));
    await a.insert(row('old', 'u2', 'external'));
    await a.insert(row('mine', 'u3'));
    // no close: a crashed process leaves the file as last written
    const b = await SqliteRecoveryStore.open(path);
    await b.ensureSchema();
    const foreign = await b.selectForeign('mine', { technology: 'sofia', profile: 'internal' });
    expect(foreign.map((r) => r.uuid)).toEqual(['u1']);
    expect(foreign[0]?.metadata).toContain('core-uuid="old"');
    expect(await b.deleteForeign('mine', { technology: 'sofia', profile: 'internal' })).toBe(1);
    expect((await b.selectForeign('x', { technology: 'sofia' })).map((r) => r.uuid).sort()).toEqual([
      'u2',
      'u3',
    ]);
    await b.update('u3', 'mine', 'new-metadata');
    expect((await b.selectForeign('x', { technology: 'sofia', profile: 'internal' }))[0]?.metadata).toBe(
      'new-metadata',
    );
    expect(await b.flush({ technology: 'sofia', profile: 'internal' })).toBe(1);
    const c = await SqliteRecoveryStore.open(path);
    expect((await c.selectForeign('x', { technology: 'sofia' })).map((r) => r.uuid)).toEqual(['u2']);
  });
});
