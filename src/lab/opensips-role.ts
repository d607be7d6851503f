// The proxy host with OpenSIPS (the seed's proxy), from the user's image: the same routing, addresses and
// readiness as the Kamailio role, its dispatcher destinations read from the lab's PostgreSQL.
import type { HostSpec } from './host-spec.js';
import type { KamailioOptions } from './kamailio-role.js';
import type { LabAddresses } from './lab-addresses.js';
import { renderLabTemplate } from './render-template.js';
import { Wait } from './wait.js';

/** OpenSIPS options: the proxy timings of the Kamailio role, plus where the binary is. */
export interface OpensipsOptions extends KamailioOptions {
  /** Absolute path of the opensips binary in the image (default: OPENSIPS_BIN, PATH, the usual places). */
  binary?: string;
}

/** The database role, schema and login OpenSIPS's dispatcher reads its destinations with. */
export const opensipsDb = { user: 'opensips', password: 'opensips', database: 'freeswitch' } as const;

/** OpenSIPS's db_url for this lab. */
export const opensipsDbUrl = (addresses: LabAddresses): string =>
  `postgres://${opensipsDb.user}:${opensipsDb.password}@${addresses.postgres}/${opensipsDb.database}`;

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * SQL (run once in the lab database at bring-up) creating the dispatcher table, version 9 as in OpenSIPS 3.4 and
 * 3.5's scripts/postgres, in the schema `opensips` (first on that role's search_path): set 1 = every node.
 */
export function opensipsDispatcherSql(addresses: LabAddresses): string {
  const rows = addresses.freeswitch.map(
    (ip, i) => `  (1, ${quote(`sip:${ip}:5060`)}, 0, 1, '1', 0, ${quote(`name=fs${i + 1}`)}, 'fs${i + 1}')`,
  );
  const { user, password } = opensipsDb;
  return [
    '-- OpenSIPS dispatcher destinations (src/lab/opensips-role.ts)',
    `do $$ begin if not exists (select 1 from pg_roles where rolname = '${user}') then`,
    `  create role ${user} login password '${password}'; end if; end $$;`,
    `create schema if not exists ${user} authorization ${user};`,
    `set role ${user};`,
    `create table if not exists ${user}.version (table_name varchar(32) not null unique,`,
    '  table_version integer default 0 not null);',
    `delete from ${user}.version where table_name = 'dispatcher';`,
    `insert into ${user}.version (table_name, table_version) values ('dispatcher', 9);`,
    `drop table if exists ${user}.dispatcher;`,
    `create table ${user}.dispatcher (id serial primary key, setid integer default 0 not null,`,
    "  destination varchar(192) default '' not null, socket varchar(128) default null,",
    '  state integer default 0 not null, probe_mode integer default 0 not null,',
    "  weight varchar(64) default '1' not null, priority integer default 0 not null,",
    '  attrs varchar(128) default null, description varchar(64) default null);',
    ...(rows.length
      ? [
          `insert into ${user}.dispatcher (setid, destination, state, probe_mode, weight, priority, attrs, description) values`,
          `${rows.join(',\n')};`,
        ]
      : []),
    'reset role;',
    '',
  ].join('\n');
}

/**
 * tm's fr_timeout for "no response within frTimerMs": OpenSIPS counts it in whole seconds on a 1 s tick, so a
 * timer of N s fires N-1 to N s after the request. One second more keeps the wait at least frTimerMs, as
 * Kamailio's ms timer does: a node slowed down by load (100 Trying after 750 ms was seen) must not lose a call
 * to a premature failover.
 */
export const opensipsFrTimeoutS = (frTimerMs: number): number => Math.ceil(frTimerMs / 1_000) + 1;

/** The rendered opensips.cfg (before start.sh fills @MODULES_DIR@ in the container). */
export function renderOpensipsCfg(addresses: LabAddresses, options: KamailioOptions = {}): string {
  return renderLabTemplate('opensips/opensips.cfg', {
    PROXY_IP: addresses.proxy,
    RTPENGINE_IP: addresses.rtpengine,
    DB_URL: opensipsDbUrl(addresses),
    FR_TIMEOUT_S: opensipsFrTimeoutS(options.frTimerMs ?? 2_000),
    DS_PING_INTERVAL_S: options.probeIntervalS ?? 1,
  });
}

/** OpenSIPS on the lab's .20 address; ready when it answers OPTIONS from the host with 200. */
export function opensipsHost(
  image: string,
  addresses: LabAddresses,
  options: OpensipsOptions = {},
): HostSpec {
  return {
    name: 'proxy',
    role: 'proxy',
    ip: addresses.proxy,
    image,
    command: ['/etc/zerodrop/opensips-start.sh'],
    files: [
      { path: '/etc/opensips/opensips.cfg.in', content: renderOpensipsCfg(addresses, options) },
      {
        path: '/etc/zerodrop/opensips-start.sh',
        content: renderLabTemplate('opensips/start.sh'),
        mode: 0o755,
      },
    ],
    env: options.binary ? { OPENSIPS_BIN: options.binary } : {},
    // The dispatcher loads its table at start-up: a little more time than Kamailio's file list needs.
    readiness: Wait.forSipOptions(5060, 200).withTimeout(15_000),
  };
}
