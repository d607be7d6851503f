// PostgreSQL server settings zerodrop recommends for the database holding the recovery tables. The lab's
// PostgreSQL runs with them and bench/migrate.ts measures with them; README tells operators why.

/**
 * A move of 10,000 legs writes ~44 MB of WAL in one transaction (each leg's ~4 kB compressed XML, once).
 * With the default wal_buffers (1/32 of shared_buffers: 4 MB) the moving backend stops again and again to
 * write WAL itself; 64 MB lets the WAL writer do it alongside (measured: the copy step 30-40 % faster).
 * lz4 WAL compression shrinks the full-page images a move's deletes write after a checkpoint.
 */
export const RECOVERY_DB_SETTINGS: Readonly<Record<string, string>> = {
  wal_buffers: '64MB',
  wal_compression: 'lz4',
};

/** The settings as `-c name=value` arguments of `postgres`. */
export function recoveryDbArgs(): string[] {
  return Object.entries(RECOVERY_DB_SETTINGS).map(([k, v]) => `-c ${k}=${v}`);
}
