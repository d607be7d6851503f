// The lab role for fs-sim, zerodrop's FreeSWITCH recovery emulator: its bundle and config, run on the lab image's Node 18.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ZerodropError } from '../common/errors.js';
import type { FreeswitchNodeContext, FreeswitchRole, FreeswitchRoleSpec } from '../lab/freeswitch-role.js';
import { labDialplan } from './lab-dialplan.js';
import { eslReadiness } from './real-freeswitch-role.js';

/** Where `npx tsx lab/fs-sim/build.ts` writes the bundle. */
export const fsSimBundlePath = fileURLToPath(new URL('../../lab/fs-sim/dist/fs-sim.mjs', import.meta.url));

/** One dialplan entry as fs-sim reads it. */
export interface FsSimDialplanEntry {
  number: string;
  app: 'echo' | 'bridge' | 'conference' | 'tone';
  /** For bridge: "user@host:port" of the callee (reached through the proxy when there is one). */
  target?: string;
}

/** Options of {@link fsSimRole}. */
export interface FsSimRoleOptions {
  eslPassword: string;
  /** Default 8021. */
  eslPort?: number;
  /** Default 'internal'. */
  profile?: string;
  /** Core DB: PostgreSQL as the node's own role (default) or a local SQLite file (FreeSWITCH's default). */
  coreDb?: 'postgres' | 'sqlite';
  database?: string;
  /** Each node's PostgreSQL login; default `fs_<name>` with password = user (renderPostgresInit's default). */
  dbLogin?: (node: FreeswitchNodeContext) => { user: string; password: string };
  /** Default: the lab dialplan (echo, bridge back to the harness callee, conference, tone). */
  dialplan?: readonly FsSimDialplanEntry[];
  /** Proxy for bridged B-legs "ip:port"; default the lab proxy in the farm topology. */
  proxy?: string;
  /** Readiness timeout in ms (default 20 000). */
  readinessTimeoutMs?: number;
  /** The bundle to ship (default lab/fs-sim/dist/fs-sim.mjs). */
  bundlePath?: string;
}

/** The fs-sim config of one node (the JSON fs-sim validates at start). */
export function fsSimConfig(opts: FsSimRoleOptions, node: FreeswitchNodeContext): Record<string, unknown> {
  const user = `fs_${node.name.replace(/-/g, '_')}`;
  const login = opts.dbLogin?.(node) ?? { user, password: user };
  const db =
    opts.coreDb === 'sqlite'
      ? { sqlite: '/var/lib/fs-sim/core.db' }
      : {
          pg: `postgres://${encodeURIComponent(login.user)}:${encodeURIComponent(login.password)}@${node.addresses.postgres}:5432/${opts.database ?? 'freeswitch'}`,
        };
  const proxy = opts.proxy ?? (node.topology === 'farm' ? `${node.addresses.proxy}:5060` : undefined);
  return {
    switchname: node.name,
    sip: { ip: node.serviceIp, port: 5060, profile: opts.profile ?? 'internal' },
    media: { ip: node.serviceIp, rtpStart: node.rtpPorts.min, rtpEnd: node.rtpPorts.max },
    hostIp: node.ip,
    esl: { ip: '0.0.0.0', port: opts.eslPort ?? 8021, password: opts.eslPassword },
    db,
    ...(proxy ? { proxy } : {}),
    dialplan: opts.dialplan ?? labDialplan(node.addresses.gateway),
  };
}

/** The node's role spec: bundle + config copied in, `node fs-sim.mjs` as the container's command. */
export function fsSimSpec(
  opts: FsSimRoleOptions,
  node: FreeswitchNodeContext,
  bundle: string,
): FreeswitchRoleSpec {
  const eslPort = opts.eslPort ?? 8021;
  const spec: FreeswitchRoleSpec = {
    // the SQLite core DB's folder must exist (it lives on in the container across crash and restart)
    command: [
      'sh',
      '-c',
      'mkdir -p /var/lib/fs-sim && exec node /opt/fs-sim/fs-sim.mjs --config /etc/fs-sim/config.json',
    ],
    files: [
      { path: '/opt/fs-sim/fs-sim.mjs', content: bundle },
      { path: '/etc/fs-sim/config.json', content: `${JSON.stringify(fsSimConfig(opts, node), null, 2)}\n` },
    ],
    readiness: eslReadiness(eslPort, opts.eslPassword, opts.profile ?? 'internal').withTimeout(
      opts.readinessTimeoutMs ?? 20_000,
    ),
    caps: ['NET_ADMIN'],
  };
  if (node.serviceIp !== node.ip) spec.sysctls = { 'net.ipv4.ip_nonlocal_bind': '1' };
  if (node.topology === 'keepalived') {
    // fs-sim has no fs_cli: speak inbound ESL with netcat (in the lab image) for the keepalived hooks.
    const esl = (cmd: string, waitS: number) =>
      `printf 'auth %s\\n\\napi ${cmd}\\n\\nexit\\n\\n' '${opts.eslPassword}' | nc -w ${waitS} ${node.ip} ${eslPort}`;
    spec.keepalivedCheck = `#!/bin/sh\n# healthy = ESL answers and the profile is RUNNING\n${esl('sofia status', 1)} | grep -q '${opts.profile ?? 'internal'}.*RUNNING'\n`;
    spec.keepalivedOnState = [
      '#!/bin/sh',
      '# MASTER: take over the calls of the other node',
      '[ "$1" = MASTER ] || exit 0',
      'for i in 1 2 3 4 5 6 7 8 9 10; do',
      `  ${esl('sofia recover', 5)} | grep -q -e Recovered -e 'No calls' && exit 0`,
      '  sleep 0.5',
      'done',
      'exit 1',
      '',
    ].join('\n');
  }
  return spec;
}

/** A FreeswitchRole running fs-sim on every node; fails early when the bundle was not built. */
export function fsSimRole(opts: FsSimRoleOptions): FreeswitchRole {
  const path = opts.bundlePath ?? fsSimBundlePath;
  if (!existsSync(path))
    throw new ZerodropError(
      `fs-sim bundle ${path} is missing: run \`npx tsx lab/fs-sim/build.ts\` (or zerodrop setup)`,
    );
  const bundle = readFileSync(path, 'utf8');
  return (node) => fsSimSpec(opts, node, bundle);
}
