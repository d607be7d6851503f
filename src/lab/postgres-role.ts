// The PostgreSQL 15 host: FreeSWITCH's core DB, with the caller's init SQL applied once at bring-up.
import { LabError } from '../common/errors.js';
import { recoveryDbArgs } from '../recovery/recovery-db-settings.js';
import type { HostSpec } from './host-spec.js';
import type { LabAddresses } from './lab-addresses.js';
import { renderTemplate } from './render-template.js';
import { Wait } from './wait.js';

/** PostgreSQL options. */
export interface PostgresOptions {
  /** psql script run once in `database` after the server is ready (roles, schemas, tables); psql meta-commands work. */
  initSql?: string;
  /** Database created before initSql runs (default `freeswitch`). */
  database?: string;
}

// The lab image carries a cluster initialised at build time; initdb runs only when PG_VERSION is missing (another
// image), so `docker start` after a stop keeps the data. fsync off: a lab.
// setpriv execs postgres in place (no su in between) so docker-init's signals reach the postmaster.
const startScript = `#!/bin/sh
set -e
D=/var/lib/postgresql/zerodrop
mkdir -p "$D" /run/postgresql
chown postgres:postgres "$D" /run/postgresql
chmod 700 "$D"
if [ ! -s "$D/PG_VERSION" ]; then
  setpriv --reuid=postgres --regid=postgres --init-groups \\
    initdb -D "$D" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync --no-instructions
fi
grep -q "{{SUBNET}}" "$D/pg_hba.conf" || echo "host all all {{SUBNET}} trust" >> "$D/pg_hba.conf"
exec setpriv --reuid=postgres --regid=postgres --init-groups postgres -D "$D" \\
  -c listen_addresses={{PG_IP}} -c fsync=off -c synchronous_commit=off -c full_page_writes=off \\
  -c max_connections=300 -c unix_socket_directories=/run/postgresql {{RECOVERY_DB_ARGS}}
`;

/** PostgreSQL on the lab's .10 address; ready when it answers a query from the host. */
export function postgresHost(
  image: string,
  addresses: LabAddresses,
  options: PostgresOptions = {},
): HostSpec {
  const database = options.database ?? 'freeswitch';
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) {
    throw new LabError(
      'pg',
      'configure',
      `database name ${JSON.stringify(database)} is not a plain identifier`,
    );
  }
  const start = renderTemplate('postgres start script', startScript, {
    SUBNET: addresses.subnet,
    PG_IP: addresses.postgres,
    RECOVERY_DB_ARGS: recoveryDbArgs().join(' '),
  });
  return {
    name: 'pg',
    role: 'postgres',
    ip: addresses.postgres,
    image,
    command: ['/etc/zerodrop/postgres-start.sh'],
    files: [
      { path: '/etc/zerodrop/postgres-start.sh', content: start, mode: 0o755 },
      { path: '/etc/zerodrop/init.sql', content: options.initSql ?? '-- no init SQL\n' },
    ],
    env: {},
    readiness: Wait.forPgQuery().withTimeout(20_000),
    // One exec: create the database unless the image already has it, then the caller's init SQL.
    setup: async (host) => {
      const q = (db: string) => `psql -X -v ON_ERROR_STOP=1 -h /run/postgresql -U postgres -d ${db}`;
      const script = [
        `${q('postgres')} -tAc "select 1 from pg_database where datname='${database}'" | grep -q 1 ||`,
        `  ${q('postgres')} -qc "create database ${database} strategy = file_copy"`,
        `${q(database)} -q -f /etc/zerodrop/init.sql`,
      ].join('\n');
      const r = await host.exec(['sh', '-ec', script]);
      if (r.exitCode !== 0) throw new LabError('pg', 'init SQL', (r.stderr || r.stdout).trim());
    },
  };
}
