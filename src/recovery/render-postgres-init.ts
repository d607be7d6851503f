// Renders the PostgreSQL init script for a lab: roles, per-node or shared recovery storage, hosts, move function.
import { readFileSync } from 'node:fs';
import { ScenarioConfigError } from '../common/errors.js';
import { type NodeHost, nodeSchema, validateNodeHosts } from './node-host.js';

/** Where recovery rows live: one schema per node (safe default) or the seed's one public table. */
export type StorageLayout = 'per-node' | 'shared';

/** Options of renderPostgresInit. */
export interface PostgresInitOptions {
  nodes: readonly NodeHost[];
  layout: StorageLayout;
  /** Controller role (member of every node role; runs the moves). Default 'zerodrop'. */
  controllerRole?: string;
  /** Passwords by role name; default: the role's own name (lab only). */
  passwords?: Readonly<Record<string, string>>;
  /** Role all nodes share in the shared layout. Default 'fs'. */
  sharedRole?: string;
}

/** How each node and the controller log in, for DSNs. */
export interface PostgresLogin {
  user: string;
  password: string;
  /** Schema holding the recovery table (the role's search_path). */
  schema: string;
}

/** The rendered script and the logins it creates. */
export interface PostgresInit {
  /** SQL for one database; run as a superuser (psql -v ON_ERROR_STOP=1 -f, or one simple query). */
  sql: string;
  nodeLogins: Readonly<Record<string, PostgresLogin>>;
  controller: PostgresLogin;
}

const ROLE_RE = /^[a-z_][a-z0-9_]{0,62}$/;
const templateCache = new Map<string, string>();

/** Reads a template from lab/postgres/ (kept beside the other lab files so the SQL is reviewable as SQL). */
export function postgresTemplate(name: string): string {
  let text = templateCache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`../../lab/postgres/${name}`, import.meta.url), 'utf8');
    templateCache.set(name, text);
  }
  return text;
}

/** Replaces every {{key}}; an unknown key is an error, not an empty string. */
export function fillTemplate(
  template: string,
  vars: Readonly<Record<string, string>>,
  name = 'template',
): string {
  return template.replace(/\{\{([a-z_]+)\}\}/g, (_m, key: string) => {
    const v = vars[key];
    if (v === undefined) throw new ScenarioConfigError(`lab/postgres/${name}`, `no value for {{${key}}}`);
    return v;
  });
}

/** A SQL string literal. */
export function sqlLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Renders the init SQL for nodes in the given layout; idempotent (safe to run twice). */
export function renderPostgresInit(opts: PostgresInitOptions): PostgresInit {
  const nodes = validateNodeHosts(opts.nodes);
  const controllerRole = opts.controllerRole ?? 'zerodrop';
  const sharedRole = opts.sharedRole ?? 'fs';
  for (const [field, role] of [
    ['controllerRole', controllerRole],
    ['sharedRole', sharedRole],
  ] as const)
    if (!ROLE_RE.test(role)) throw new ScenarioConfigError(field, `'${role}' is not a plain role name`);
  const password = (role: string) => opts.passwords?.[role] ?? role;
  const t = (name: string, vars: Record<string, string>) => fillTemplate(postgresTemplate(name), vars, name);
  const login = (role: string) => t('node-role.sql', { role, password: sqlLiteral(password(role)) });

  const parts = [
    `-- zerodrop PostgreSQL init, layout ${opts.layout}, nodes ${nodes.map((n) => n.node).join(', ')}`,
    'SET client_min_messages = warning;',
    login(controllerRole),
  ];
  const nodeLogins: Record<string, PostgresLogin> = {};
  if (opts.layout === 'per-node') {
    parts.push('REVOKE ALL ON SCHEMA public FROM PUBLIC;');
    for (const n of nodes) {
      const role = nodeSchema(n.node);
      parts.push(login(role), t('per-node-schema.sql', { node: n.node, role, controller: controllerRole }));
      parts.push(t('recovery-table.sql', { schema: role, owner: role }));
      nodeLogins[n.node] = { user: role, password: password(role), schema: role };
    }
  } else {
    parts.push(login(sharedRole), t('shared-schema.sql', { role: sharedRole, controller: controllerRole }));
    parts.push(t('recovery-table.sql', { schema: 'public', owner: sharedRole }));
    for (const n of nodes)
      nodeLogins[n.node] = { user: sharedRole, password: password(sharedRole), schema: 'public' };
  }
  parts.push(t('zerodrop-schema.sql', { controller: controllerRole }));
  parts.push(hostsUpsert(nodes, (n) => nodeLogins[n]!.schema));
  return {
    sql: `${parts.join('\n')}\n`,
    nodeLogins,
    controller: { user: controllerRole, password: password(controllerRole), schema: 'zerodrop' },
  };
}

function hostsUpsert(nodes: readonly NodeHost[], schemaOf: (node: string) => string): string {
  if (nodes.length === 0) return '';
  const rows = nodes.map((n) =>
    [
      sqlLiteral(n.node),
      sqlLiteral(n.switchname),
      sqlLiteral(n.sipIp),
      sqlLiteral(n.mediaIp),
      sqlLiteral(n.profile),
      String(n.rtpPortMin),
      String(n.rtpPortMax),
      sqlLiteral(n.state),
      sqlLiteral(schemaOf(n.node)),
    ].join(', '),
  );
  return [
    'INSERT INTO zerodrop.hosts (node, switchname, sip_ip, media_ip, profile, rtp_port_min, rtp_port_max, state, schema_name)',
    `VALUES\n  (${rows.join('),\n  (')})`,
    'ON CONFLICT (node) DO UPDATE SET switchname = EXCLUDED.switchname, sip_ip = EXCLUDED.sip_ip,',
    '  media_ip = EXCLUDED.media_ip, profile = EXCLUDED.profile, rtp_port_min = EXCLUDED.rtp_port_min,',
    '  rtp_port_max = EXCLUDED.rtp_port_max, state = EXCLUDED.state, schema_name = EXCLUDED.schema_name,',
    '  updated_at = now();',
  ].join('\n');
}
