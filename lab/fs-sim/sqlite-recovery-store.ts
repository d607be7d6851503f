// The recovery table in a local SQLite file (FreeSWITCH's default core DB), via sql.js so Node 18 needs no addon.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import initSqlJs, { type Database } from 'sql.js/dist/sql-wasm-inline.js';
import type { RecoveryRow } from './recovery-row.js';
import type { RecoveryScope, RecoveryStore } from './recovery-store.js';

const SCHEMA = `CREATE TABLE IF NOT EXISTS recovery (
   runtime_uuid    VARCHAR(255),
   technology      VARCHAR(255),
   profile_name    VARCHAR(255),
   hostname        VARCHAR(255),
   uuid            VARCHAR(255),
   metadata        text
);
CREATE INDEX IF NOT EXISTS recovery1 ON recovery (technology);
CREATE INDEX IF NOT EXISTS recovery2 ON recovery (profile_name);
CREATE INDEX IF NOT EXISTS recovery3 ON recovery (uuid);`;
// no runtime_uuid index: FreeSWITCH names it recovery3 again, so it never exists (switch_core_sqldb.c)

function scopeSql(scope: RecoveryScope): { sql: string; params: string[] } {
  return scope.profile === undefined
    ? { sql: ' AND technology = ?', params: [scope.technology] }
    : { sql: ' AND technology = ? AND profile_name = ?', params: [scope.technology, scope.profile] };
}

/**
 * SQLite store for one process: the file is read at start (a restarted node finds what its crashed
 * predecessor left) and rewritten atomically after every change, so a kill -9 loses nothing written.
 */
export class SqliteRecoveryStore implements RecoveryStore {
  private constructor(
    private readonly db: Database,
    readonly path: string,
  ) {}

  /** Opens (or creates) the file. */
  static async open(path: string): Promise<SqliteRecoveryStore> {
    const SQL = await initSqlJs();
    const db = new SQL.Database(existsSync(path) ? readFileSync(path) : null);
    return new SqliteRecoveryStore(db, path);
  }

  private persist(): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, this.db.export());
    renameSync(tmp, this.path);
  }

  private change(sql: string, params: unknown[]): number {
    this.db.run(sql, params);
    const n = this.db.getRowsModified();
    this.persist();
    return n;
  }

  async ensureSchema(): Promise<void> {
    this.db.run(SCHEMA);
    this.persist();
  }

  async insert(r: RecoveryRow): Promise<void> {
    this.change(
      'INSERT INTO recovery (runtime_uuid, technology, profile_name, hostname, uuid, metadata) VALUES (?,?,?,?,?,?)',
      [r.runtime_uuid, r.technology, r.profile_name, r.hostname, r.uuid, r.metadata],
    );
  }

  async update(uuid: string, runtimeUuid: string, metadata: string): Promise<void> {
    this.change('UPDATE recovery SET metadata = ? WHERE uuid = ? AND runtime_uuid = ?', [
      metadata,
      uuid,
      runtimeUuid,
    ]);
  }

  async delete(uuid: string, runtimeUuid: string): Promise<void> {
    this.change('DELETE FROM recovery WHERE uuid = ? AND runtime_uuid = ?', [uuid, runtimeUuid]);
  }

  async selectForeign(ownRuntime: string, scope: RecoveryScope): Promise<RecoveryRow[]> {
    const s = scopeSql(scope);
    const st = this.db.prepare(
      `SELECT runtime_uuid, technology, profile_name, hostname, uuid, metadata FROM recovery WHERE runtime_uuid <> ?${s.sql}`,
    );
    st.bind([ownRuntime, ...s.params]);
    const rows: RecoveryRow[] = [];
    while (st.step()) rows.push(st.getAsObject() as unknown as RecoveryRow);
    st.free();
    return rows;
  }

  async deleteForeign(ownRuntime: string, scope: RecoveryScope): Promise<number> {
    const s = scopeSql(scope);
    return this.change(`DELETE FROM recovery WHERE runtime_uuid <> ?${s.sql}`, [ownRuntime, ...s.params]);
  }

  async flush(scope: RecoveryScope): Promise<number> {
    const s = scopeSql(scope);
    return this.change(`DELETE FROM recovery WHERE 1=1${s.sql}`, s.params);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
