// Docker engine bootstrap for machines without a daemon: install docker.io when root with apt, start dockerd
// (no systemd) with its own bridge and pools inside 198.18.0.0/15, wait for the socket. Where Docker already
// answers, nothing happens: a user's daemon and its configuration are never touched.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { LabError } from '../common/errors.js';
import { pollUntil } from '../common/wait.js';

/** dockerd flags: default bridge and address pools inside 198.18.0.0/15 (never 10/8, 172.16/12, 192.168/16). */
export const dockerdArgs = [
  '--bip=198.18.0.1/24',
  '--default-address-pool',
  'base=198.18.128.0/17,size=24',
] as const;

/** Where a dockerd started by zerodrop logs. */
export const dockerdLog = '/var/log/zerodrop-dockerd.log';

/** What the machine looks like to the bootstrap. */
export interface EngineFacts {
  dockerAnswers: boolean;
  isRoot: boolean;
  hasApt: boolean;
  /** Commands among dockerd, debootstrap, zstd that are missing. */
  missing: string[];
}

/** The steps to take: nothing, or install these packages and/or start dockerd; or why it cannot be done. */
export type EnginePlan =
  | { kind: 'ready' }
  | { kind: 'bootstrap'; install: string[]; startDaemon: true }
  | { kind: 'impossible'; reason: string };

const packageOf: Record<string, string> = {
  dockerd: 'docker.io',
  docker: 'docker.io',
  debootstrap: 'debootstrap',
  zstd: 'zstd',
};

/** Decides the bootstrap from the facts (pure). */
export function planEngine(f: EngineFacts): EnginePlan {
  if (f.dockerAnswers) return { kind: 'ready' };
  if (!f.isRoot)
    return {
      kind: 'impossible',
      reason: 'Docker does not answer and zerodrop is not root: start dockerd yourself',
    };
  const install = [...new Set(f.missing.map((c) => packageOf[c] ?? c))];
  if (install.length && !f.hasApt)
    return { kind: 'impossible', reason: `missing ${install.join(', ')} and no apt-get` };
  return { kind: 'bootstrap', install, startDaemon: true };
}

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const dockerAnswers = () =>
  spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { stdio: 'ignore', timeout: 5_000 })
    .status === 0;

/** Looks at this machine. */
export function engineFacts(): EngineFacts {
  return {
    dockerAnswers: dockerAnswers(),
    isRoot: process.getuid?.() === 0,
    hasApt: has('apt-get'),
    missing: ['dockerd', 'docker', 'debootstrap', 'zstd'].filter((c) => !has(c)),
  };
}

/** Makes sure a Docker daemon answers; returns what was done. */
export async function ensureDockerEngine(
  onProgress: (line: string) => void = () => undefined,
  { timeoutMs = 60_000 } = {},
): Promise<'already-running' | 'started'> {
  const plan = planEngine(engineFacts());
  if (plan.kind === 'ready') {
    onProgress('[docker] daemon answers; leaving it as it is');
    return 'already-running';
  }
  if (plan.kind === 'impossible') throw new LabError('docker', 'bootstrap', plan.reason);
  if (plan.install.length) {
    onProgress(`[docker] apt-get install ${plan.install.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [
      ['update', '-q'],
      ['install', '-y', '-q', '--no-install-recommends', ...plan.install],
    ]) {
      const r = spawnSync('apt-get', args, { env, encoding: 'utf8' });
      if (r.status !== 0)
        throw new LabError('docker', `apt-get ${args[0]}`, (r.stderr || r.stdout).slice(-2_000));
    }
  }
  if (!existsSync('/var/run/docker.sock') || !dockerAnswers()) {
    onProgress(`[docker] starting dockerd ${dockerdArgs.join(' ')} (log ${dockerdLog})`);
    const log = openSync(dockerdLog, 'a');
    spawn('dockerd', [...dockerdArgs], { detached: true, stdio: ['ignore', log, log] }).unref();
  }
  const up = await pollUntil(async () => (dockerAnswers() ? true : undefined), {
    timeoutMs,
    intervalMs: 250,
  });
  if (!up)
    throw new LabError('docker', 'start', `dockerd did not answer within ${timeoutMs} ms; see ${dockerdLog}`);
  onProgress('[docker] daemon answers');
  return 'started';
}
