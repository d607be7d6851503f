// The lab role for real FreeSWITCH nodes from a user's image: config files, start command, readiness,
// and the keepalived hooks (health check, `sofia recover` on MASTER).
import { errorMessage } from '../common/errors.js';
import type { FreeswitchNodeContext, FreeswitchRole, FreeswitchRoleSpec } from '../lab/freeswitch-role.js';
import { Wait } from '../lab/wait.js';
import { EslClient } from './esl-client.js';
import { type DialplanEntry, renderFreeswitchXml } from './render-config.js';

/** Where the rendered config lands inside the container (`freeswitch -conf`). */
export const freeswitchConfDir = '/etc/zerodrop/freeswitch';

/** Options of {@link realFreeswitchRole}. */
export interface RealFreeswitchOptions {
  /** The user's FreeSWITCH image (`--freeswitch-image`), or one packed by `zerodrop image freeswitch`. */
  image: string;
  /** The freeswitch binary inside the image (default `freeswitch`, looked up on PATH). */
  binary?: string;
  /** fs_cli inside the image, for the keepalived hooks (default: beside `binary`, else `fs_cli`). */
  fsCli?: string;
  eslPassword: string;
  /** Default 8021. */
  eslPort?: number;
  /** Default 5060. */
  sipPort?: number;
  /** Sofia profile name (default 'internal'); nodes that take over each other's calls need the same one. */
  profile?: string;
  /** Core DB name (default 'freeswitch'). */
  database?: string;
  /** Each node's PostgreSQL login; default user `fs_<name>` with password = user (renderPostgresInit's default). */
  dbLogin?: (node: FreeswitchNodeContext) => { user: string; password: string };
  dialplan: readonly DialplanEntry[];
  /** Proxy for bridged B-legs; default the lab proxy (:5060) in the farm topology, none otherwise. */
  proxy?: string;
  /** Readiness timeout in ms (default 30 000). */
  readinessTimeoutMs?: number;
}

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The node's role spec (pure; readiness talks ESL to the node when polled). */
export function realFreeswitchSpec(
  opts: RealFreeswitchOptions,
  node: FreeswitchNodeContext,
): FreeswitchRoleSpec {
  const profile = opts.profile ?? 'internal';
  const eslPort = opts.eslPort ?? 8021;
  const user = `fs_${node.name.replace(/-/g, '_')}`;
  const login = opts.dbLogin?.(node) ?? { user, password: user };
  const proxy = opts.proxy ?? (node.topology === 'farm' ? `${node.addresses.proxy}:5060` : undefined);
  const xml = renderFreeswitchXml({
    switchname: node.name,
    serviceIp: node.serviceIp,
    sipPort: opts.sipPort ?? 5060,
    profile,
    rtpPorts: node.rtpPorts,
    eslIp: node.ip,
    eslPort,
    eslPassword: opts.eslPassword,
    db: { host: node.addresses.postgres, port: 5432, database: opts.database ?? 'freeswitch', ...login },
    dialplan: opts.dialplan,
    proxy,
  });
  const binary = opts.binary ?? 'freeswitch';
  const fsCli = opts.fsCli ?? (binary.includes('/') ? binary.replace(/freeswitch$/, 'fs_cli') : 'fs_cli');
  const cli = `${sh(fsCli)} -H ${node.ip} -P ${eslPort} -p ${sh(opts.eslPassword)}`;
  const dirs = ['log', 'db', 'run'].map((d) => `/var/lib/zerodrop-freeswitch/${d}`);
  // -nonat: no NAT-PMP/UPnP probing in a closed lab; -nc -nf: no console, no fork (stays PID 1's child).
  const start = [
    '#!/bin/sh',
    'set -e',
    `mkdir -p ${dirs.join(' ')}`,
    // -nc -nf keeps FreeSWITCH's log off stdout: follow its log file so `docker logs` (and readiness errors)
    // show it. The tail is not the container's main process: FreeSWITCH exiting still ends the container.
    `tail -n 0 -F ${dirs[0]}/freeswitch.log 2>/dev/null &`,
    `exec ${sh(binary)} -nonat -nc -nf -conf ${freeswitchConfDir} -log ${dirs[0]} -db ${dirs[1]} -run ${dirs[2]}`,
    '',
  ].join('\n');
  const keepalived = node.topology === 'keepalived';
  const spec: FreeswitchRoleSpec = {
    image: opts.image,
    command: ['/bin/sh', `${freeswitchConfDir}/start.sh`],
    files: [
      { path: `${freeswitchConfDir}/freeswitch.xml`, content: xml },
      { path: `${freeswitchConfDir}/start.sh`, content: start, mode: 0o755 },
    ],
    readiness: eslReadiness(eslPort, opts.eslPassword, profile).withTimeout(
      opts.readinessTimeoutMs ?? 30_000,
    ),
  };
  if (node.serviceIp !== node.ip) spec.sysctls = { 'net.ipv4.ip_nonlocal_bind': '1' };
  if (keepalived) {
    spec.keepalivedCheck = `#!/bin/sh\n# healthy = ESL answers and the profile is RUNNING\n${cli} -t 1000 -x 'sofia status' 2>/dev/null | grep -q ${sh(`${profile}.*RUNNING`)}\n`;
    spec.keepalivedOnState = [
      '#!/bin/sh',
      '# MASTER: take over the calls of the other node (FreeSWITCH may still be starting: retry)',
      '[ "$1" = MASTER ] || exit 0',
      'for i in 1 2 3 4 5 6 7 8 9 10; do',
      `  ${cli} -t 5000 -x 'sofia recover' && exit 0`,
      '  sleep 0.5',
      'done',
      'exit 1',
      '',
    ].join('\n');
  }
  return spec;
}

/** A FreeswitchRole for the lab: real FreeSWITCH from opts.image on every node. */
export function realFreeswitchRole(opts: RealFreeswitchOptions): FreeswitchRole {
  return (node) => realFreeswitchSpec(opts, node);
}

/** Ready = ESL answers, `status` says ready, and `sofia status` shows the profile RUNNING. */
export function eslReadiness(port: number, password: string, profile: string): Wait {
  return Wait.custom(
    `ESL :${port} status ready and sofia profile ${profile} RUNNING`,
    async ({ ip, signal }) => {
      const c = await EslClient.connect({ host: ip, port, password, connectTimeoutMs: 1_000, signal });
      if (!c.value) return c.error ?? 'ESL connect failed';
      try {
        const status = await c.value.status({ timeoutMs: 1_000 });
        if (!status.value?.ready) return status.error ?? `not ready: ${status.value?.identity}`;
        const sofia = await c.value.api('sofia status', { timeoutMs: 1_000 });
        const running = (sofia.value ?? '')
          .split('\n')
          .some((l) => l.includes(profile) && l.includes('RUNNING'));
        return running ? true : `profile ${profile} not RUNNING: ${errorMessage(sofia.error ?? sofia.value)}`;
      } finally {
        await c.value.close();
      }
    },
  ).withInterval(250);
}
