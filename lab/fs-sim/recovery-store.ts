// The core DB's recovery table, as FreeSWITCH's switch_core_sqldb.c reads and writes it.
import pg from 'pg';
import type { RecoveryRow } from './recovery-row.js';

/** Filters of a recover/flush: technology and optionally a profile. */
export interface RecoveryScope {
  technology: string;
  profile?: string;
}

/** The operations FreeSWITCH performs on its recovery table. */
export interface RecoveryStore {
  /** CREATE TABLE recovery (+ FreeSWITCH's indexes recovery1..3) when missing. */
  ensureSchema(): Promise<void>;
  insert(row: RecoveryRow): Promise<void>;
  /** UPDATE of a tracked channel's metadata (never an insert). */
  update(uuid: string, runtimeUuid: string, metadata: string): Promise<void>;
  /** Deletes one channel's row (hangup). */
  delete(uuid: string, runtimeUuid: string): Promise<void>;
  /** Recover's select: runtime_uuid != own, hostname ignored, in table order. */
  selectForeign(ownRuntime: string, scope: RecoveryScope): Promise<RecoveryRow[]>;
  /** Recover's second statement: delete every foreign-runtime row in scope. */
  deleteForeign(ownRuntime: string, scope: RecoveryScope): Promise<number>;
  /** sofia recover flush: every row of the technology/profile, all hosts, live calls included. */
  flush(scope: RecoveryScope): Promise<number>;
  close(): Promise<void>;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS recovery (
   runtime_uuid    VARCHAR(255),
   technology      VARCHAR(255),
   profile_name    VARCHAR(255),
   hostname        VARCHAR(255),
   uuid            VARCHAR(255),
   metadata        text
)`,
  'CREATE INDEX IF NOT EXISTS recovery1 ON recovery (technology)',
  'CREATE INDEX IF NOT EXISTS recovery2 ON recovery (profile_name)',
  'CREATE INDEX IF NOT EXISTS recovery3 ON recovery (uuid)',
  // FreeSWITCH asks for a runtime_uuid index too but names it recovery3 again, so it never exists
];

function scopeSql(scope: RecoveryScope, first: number): { sql: string; params: string[] } {
  const params = [scope.technology];
  let sql = ` AND technology = $${first}`;
  if (scope.profile !== undefined) {
    params.push(scope.profile);
    sql += ` AND profile_name = $${first + 1}`;
  }
  return { sql, params };
}

/** PostgreSQL store: the node connects with its own role, so its search_path picks its schema. */
export class PgRecoveryStore implements RecoveryStore {
  private readonly pool: pg.Pool;

  constructor(connection: string | pg.PoolConfig) {
    const cfg = typeof connection === 'string' ? { connectionString: connection } : connection;
    this.pool = new pg.Pool({ ...cfg, max: 4, connectionTimeoutMillis: 5_000 });
    this.pool.on('error', () => {});
  }

  async ensureSchema(): Promise<void> {
    for (const s of SCHEMA) await this.pool.query(s);
  }

  async insert(r: RecoveryRow): Promise<void> {
    await this.pool.query(
      'INSERT INTO recovery (runtime_uuid, technology, profile_name, hostname, uuid, metadata) VALUES ($1,$2,$3,$4,$5,$6)',
      [r.runtime_uuid, r.technology, r.profile_name, r.hostname, r.uuid, r.metadata],
    );
  }

  async update(uuid: string, runtimeUuid: string, metadata: string): Promise<void> {
    await this.pool.query('UPDATE recovery SET metadata = $1 WHERE uuid = $2 AND runtime_uuid = $3', [
      metadata,
      uuid,
      runtimeUuid,
    ]);
  }

  async delete(uuid: string, runtimeUuid: string): Promise<void> {
    await this.pool.query('DELETE FROM recovery WHERE uuid = $1 AND runtime_uuid = $2', [uuid, runtimeUuid]);
  }

  async selectForeign(ownRuntime: string, scope: RecoveryScope): Promise<RecoveryRow[]> {
    const s = scopeSql(scope, 2);
    const r = await this.pool.query<RecoveryRow>(
      `SELECT runtime_uuid, technology, profile_name, hostname, uuid, metadata FROM recovery WHERE runtime_uuid <> $1${s.sql}`,
      [ownRuntime, ...s.params],
    );
    return r.rows;
  }

  async deleteForeign(ownRuntime: string, scope: RecoveryScope): Promise<number> {
    const s = scopeSql(scope, 2);
    const r = await this.pool.query(`DELETE FROM recovery WHERE runtime_uuid <> $1${s.sql}`, [
      ownRuntime,
      ...s.params,
    ]);
    return r.rowCount ?? 0;
  }

  async flush(scope: RecoveryScope): Promise<number> {
    const s = scopeSql(scope, 1);
    const r = await this.pool.query(`DELETE FROM recovery WHERE true${s.sql}`, s.params);
    return r.rowCount ?? 0;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
