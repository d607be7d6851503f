// CLI commands of the lab: `zerodrop lab up|status|down|prune`, `zerodrop image build`, `zerodrop setup`.
// The lead's cli.ts adds them; the FreeSWITCH role and PostgreSQL init come in as options so lab stays below them.
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { errorMessage, isZerodropError, LabError, ScenarioConfigError } from '../common/errors.js';
import { ensureDockerEngine } from './docker-engine.js';
import { DockerRuntime } from './docker-runtime.js';
import type { FreeswitchRole } from './freeswitch-role.js';
import { dockerCliImages, ensureLabImage } from './image-build.js';
import { Lab } from './lab.js';
import type { LabAddresses } from './lab-addresses.js';
import { formatLabs, listLabs } from './lab-inventory.js';
import { teardownLab } from './lab-teardown.js';
import { Topology, type TopologyName } from './lab-topology.js';
import { ProxyKind, selectProxy } from './proxy-choice.js';

/** What cli.ts plugs into the lab commands. */
export interface LabCommandOptions {
  /** Places FreeSWITCH nodes (fs-sim in CI, a real image for users); without it only 0 nodes are possible. */
  freeswitchRole?: FreeswitchRole;
  /** `--freeswitch` default (3 with a role, else 0). */
  defaultFreeswitchNodes?: number;
  /** PostgreSQL init (recovery's per-node roles and schemas) for a lab with these FreeSWITCH node names. */
  postgresInitSql?: (addresses: LabAddresses, nodeNames: string[]) => string;
  /** Output lines (default: stdout). */
  print?: (line: string) => void;
}

const intArg = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`expected a whole number ≥ 0, got ${JSON.stringify(v)}`);
  return n;
};

/** Runs a command body; a ZerodropError prints its message (host, last log lines) and sets exit code 1. */
async function report(print: (l: string) => void, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    print(`error: ${isZerodropError(e) ? e.message : errorMessage(e)}`);
    process.exitCode = 1;
  }
}

/** Resolves `received` on the first SIGINT/SIGTERM and keeps the process alive until then (handlers alone do not). */
function listenForStop(): { received: Promise<NodeJS.Signals>; cancel: () => void } {
  let cancel: () => void = () => undefined;
  const received = new Promise<NodeJS.Signals>((resolve) => {
    const keepAlive = setInterval(() => undefined, 1 << 30);
    const on = (sig: NodeJS.Signals) => {
      cancel();
      resolve(sig);
    };
    cancel = () => {
      clearInterval(keepAlive);
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
  return { received, cancel };
}

/** `zerodrop lab …` */
export function labCommand(options: LabCommandOptions = {}): Command {
  const print = options.print ?? ((l: string) => console.log(l));
  const lab = new Command('lab').description('bring a Docker lab up, look at it, take it down');
  lab
    .command('up')
    .description(
      'build what is missing, bring a lab up and wait for Ctrl-C (or leave it running with --keep)',
    )
    .addOption(
      new Option('--topology <name>', 'lab topology').choices(Object.values(Topology)).default('farm'),
    )
    .option(
      '--freeswitch <n>',
      'FreeSWITCH nodes',
      intArg,
      options.defaultFreeswitchNodes ?? (options.freeswitchRole ? 3 : 0),
    )
    .option('--keep', 'leave the lab running and exit (take it down with `zerodrop lab down`)', false)
    .option('--preempt', 'keepalived topology: classic preempt instead of nopreempt', false)
    .option(
      '--self-fence',
      'keepalived topology: take over only as the calls’ confirmed only owner (peer heard, or its lease gone)',
      false,
    )
    .option('--id <id>', 'lab id (default: random)')
    .addOption(
      new Option(
        '--proxy <proxy>',
        'farm: SIP proxy (default kamailio; opensips needs --opensips-image)',
      ).choices(Object.values(ProxyKind)),
    )
    .option('--opensips-image <image>', 'farm: run OpenSIPS from this image (see: zerodrop image opensips)')
    .action(
      (o: {
        topology: TopologyName;
        freeswitch: number;
        keep: boolean;
        preempt: boolean;
        selfFence: boolean;
        id?: string;
        proxy?: string;
        opensipsImage?: string;
      }) =>
        report(print, async () => {
          if (o.preempt && o.selfFence)
            throw new ScenarioConfigError(
              '--self-fence',
              'the self-fence trusts a peer it can reach, so a preempting node would still steal the calls: drop --preempt',
            );
          const proxy = selectProxy({ requested: o.proxy, opensipsImage: o.opensipsImage });
          await ensureDockerEngine(print);
          const runtime = await DockerRuntime.connect();
          await ensureLabImage(runtime, { onProgress: print });
          const nodeNames = Array.from({ length: o.freeswitch }, (_, i) => `fs${i + 1}`);
          // Listen before bring-up: a Ctrl-C between bring-up and the wait below must still take the lab down.
          const stopRequested = o.keep ? undefined : listenForStop();
          const initSql = options.postgresInitSql;
          const started = await new Lab({
            topology: o.topology,
            freeswitchNodes: o.freeswitch,
            freeswitchRole: options.freeswitchRole,
            postgres: initSql ? { initSql: (a) => initSql(a, nodeNames) } : undefined,
            nopreempt: !o.preempt,
            selfFence: o.selfFence,
            proxy,
            id: o.id,
            runtime,
            onProgress: print,
          })
            .start()
            .catch((e: unknown) => {
              stopRequested?.cancel();
              throw e;
            });
          print(formatLabs((await listLabs(runtime)).filter((l) => l.id === started.id)));
          print(`harness side (gateway): ${started.addresses.gateway}`);
          if (o.keep) {
            print(`lab ${started.id} left running; stop it with: zerodrop lab down --id ${started.id}`);
            return;
          }
          print('Ctrl-C to take the lab down');
          await stopRequested?.received;
          const stopped = await started.stop();
          print(`lab ${started.id} down; logs in ${stopped.logsDir}`);
        }),
    );
  lab
    .command('status')
    .description('list running labs and their hosts')
    .action(() =>
      report(print, async () => {
        print(formatLabs(await listLabs(await DockerRuntime.connect())));
      }),
    );
  lab
    .command('down')
    .description('take a lab down (every lab without --id), saving its logs under reports/labs/<id>')
    .option('--id <id>', 'lab id')
    .action((o: { id?: string }) =>
      report(print, async () => {
        const runtime = await DockerRuntime.connect();
        const ids = o.id ? [o.id] : (await listLabs(runtime)).map((l) => l.id);
        if (!ids.length) print('no zerodrop labs');
        for (const id of ids) {
          const r = await teardownLab(runtime, id, {
            logsDir: join(process.cwd(), 'reports', 'labs', id),
            onProgress: print,
          });
          if (!r.containers && !r.networks) throw new LabError(id, 'down', 'no such lab');
        }
      }),
    );
  lab
    .command('prune')
    .description('remove every container and network labelled zerodrop.lab (leftovers of any lab)')
    .action(() =>
      report(print, async () => {
        await teardownLab(await DockerRuntime.connect(), undefined, { onProgress: print });
      }),
    );
  return lab;
}

/** `zerodrop image build` */
export function imageCommand(options: { print?: (line: string) => void } = {}): Command {
  const print = options.print ?? ((l: string) => console.log(l));
  const image = new Command('image').description('the lab image');
  image
    .command('build')
    .description('build zerodrop/lab:<hash> from Debian bookworm packages unless it exists')
    .option('--cache-dir <dir>', 'rootfs archive cache', undefined)
    .action((o: { cacheDir?: string }) =>
      report(print, async () => {
        const r = await ensureLabImage(dockerCliImages, {
          onProgress: print,
          cacheDir: o.cacheDir,
        });
        print(`${r.tag} ${r.built ? 'built' : 'present'} in ${(r.durationMs / 1000).toFixed(1)} s`);
      }),
    );
  return image;
}

/** `zerodrop setup`: a Docker daemon that answers (installs and starts one only where none does). */
export function setupCommand(options: { print?: (line: string) => void } = {}): Command {
  const print = options.print ?? ((l: string) => console.log(l));
  return new Command('setup')
    .description('make sure Docker answers (install docker.io and start dockerd when root with apt)')
    .action(() =>
      report(print, async () => {
        await ensureDockerEngine(print);
      }),
    );
}
