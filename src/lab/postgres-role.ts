// The PostgreSQL 15 host: FreeSWITCH's core DB, with the caller's init SQL applied once at bring-up.
import { LabError } from '../common/errors.js';
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

// initdb only when PG_VERSION is missing, so `docker start` after a stop keeps the data. fsync off: a lab.
// setpriv execs postgres in place (no su in between) so docker-init's signals reach the postmaster.
const startScript = `#!/bin/sh
set -e
D=/var/lib/postgresql/zerodrop
mkdir -p "$D" /run/postgresql
chown postgres:postgres "$D" /run/postgresql
chmod 700 "$D"
if [ ! -s "$D/PG_VERSION" ]; then
  setpriv --reuid=postgres --regid=postgres --init-groups initdb -D "$D" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8
  echo "host all all {{SUBNET}} trust" >> "$D/pg_hba.conf"
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups postgres -D "$D" \\
  -c listen_addresses={{PG_IP}} -c fsync=off -c synchronous_commit=off -c full_page_writes=off \\
  -c max_connections=300 -c unix_socket_directories=/run/postgresql
`;

const psql = (database: string, ...args: string[]) => [
  'psql',
  '-X',
  '-v',
  'ON_ERROR_STOP=1',
  '-h',
  '/run/postgresql',
  '-U',
  'postgres',
  '-d',
  database,
  ...args,
];

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
    setup: async (host) => {
      const exists = await host.exec(
        psql('postgres', '-tAc', `select 1 from pg_database where datname='${database}'`),
      );
      if (exists.exitCode !== 0) throw new LabError('pg', 'setup', exists.stderr.trim());
      if (exists.stdout.trim() !== '1') {
        const created = await host.exec(psql('postgres', '-c', `create database ${database}`));
        if (created.exitCode !== 0) throw new LabError('pg', 'create database', created.stderr.trim());
      }
      const init = await host.exec(psql(database, '-q', '-f', '/etc/zerodrop/init.sql'));
      if (init.exitCode !== 0) throw new LabError('pg', 'init SQL', (init.stderr || init.stdout).trim());
    },
  };
}
