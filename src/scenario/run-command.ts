// CLI commands of the main job: `zerodrop run`, `zerodrop analyze`, `zerodrop demo`.
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { errorMessage, isZerodropError } from '../common/errors.js';
import { ProxyKind, selectProxy } from '../lab/proxy-choice.js';
import { analyzeRun } from './analyze-run.js';
import { loadScenario, scenarioFiles } from './load-scenario.js';
import { runScenario } from './run-scenario.js';
import type { UnderTest } from './under-test.js';

const intArg = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`${name} must be a whole number ≥ 0, got ${JSON.stringify(v)}`);
  return n;
};

/** The default scenario that `zerodrop demo` runs. */
export const demoScenarioPath = fileURLToPath(
  new URL('../../scenarios/farm-crash-migrate.ts', import.meta.url),
);

interface RunFlags {
  calls?: number;
  seed?: number;
  freeswitchImage?: string;
  /** Undefined: the scenario's topology.proxy (OpenSIPS when only --opensips-image is given). */
  proxy?: string;
  opensipsImage?: string;
  probeIntervalMs: number;
  reports: string;
  keep?: boolean;
}

/** Runs every scenario file in turn; exit code = the worst verdict (1 invalid > 2 unknown > 0 valid). */
async function runFiles(paths: readonly string[], flags: RunFlags): Promise<number> {
  const files = scenarioFiles(paths);
  const scenarios = [];
  for (const f of files) {
    // validate all (scenario and proxy) before bringing anything up
    const scenario = await loadScenario(f);
    const proxy = selectProxy({
      requested: flags.proxy,
      fallback: scenario.topology.proxy,
      opensipsImage: flags.opensipsImage,
      where: flags.proxy ? '--proxy' : `${f}: topology.proxy`,
    });
    scenarios.push({ scenario, proxy });
  }
  const underTest: UnderTest = flags.freeswitchImage
    ? { kind: 'freeswitch', image: flags.freeswitchImage }
    : { kind: 'fs-sim' };
  let worst = 0;
  for (const { scenario, proxy } of scenarios) {
    const out = await runScenario({
      scenario,
      underTest,
      proxy,
      ...(flags.calls !== undefined ? { calls: flags.calls } : {}),
      ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
      probeIntervalMs: flags.probeIntervalMs,
      reportsDir: flags.reports,
      ...(flags.keep ? { keep: true } : {}),
    });
    worst = worst === 1 || out.exitCode === 1 ? 1 : Math.max(worst, out.exitCode);
  }
  return worst;
}

const guard = async (body: () => Promise<number>) => {
  try {
    process.exitCode = await body();
  } catch (e) {
    console.error(
      `error: ${isZerodropError(e) || e instanceof InvalidArgumentError ? e.message : errorMessage(e)}`,
    );
    process.exitCode = 2;
  }
  // The run is over and its report written. Node exits once nothing is left open (every scenario of the
  // catalogue does); should a socket or timer still hold it, say what, so it can be fixed, and exit anyway.
  setTimeout(() => {
    console.error(
      `zerodrop: still open 5 s after the run: ${process.getActiveResourcesInfo().join(', ')}; exiting`,
    );
    process.exit(process.exitCode);
  }, 5000).unref();
};

function runOptions(cmd: Command): Command {
  return cmd
    .option('--calls <n>', 'override the scenario call count', intArg('--calls'))
    .option('--seed <n>', 'seed for victim choice and timing (printed in every report)', intArg('--seed'))
    .option('--freeswitch-image <image>', 'run real FreeSWITCH nodes from this image instead of fs-sim')
    .addOption(
      new Option(
        '--proxy <proxy>',
        "SIP proxy of the farm (default: the scenario's, kamailio; opensips needs --opensips-image)",
      ).choices(Object.values(ProxyKind)),
    )
    .option(
      '--opensips-image <image>',
      'run the farm proxy as OpenSIPS from this image (zerodrop image opensips)',
    )
    .option(
      '--probe-interval-ms <ms>',
      'failover controller probe interval',
      intArg('--probe-interval-ms'),
      100,
    )
    .option('--reports <dir>', 'where run folders go', 'reports')
    .option('--keep', 'leave the lab running after the run');
}

/** `zerodrop run <scenario file|dir…>` */
export function runCommand(): Command {
  return runOptions(new Command('run'))
    .description('run scenarios end to end: lab, calls, faults, failover, checks, report')
    .argument('<scenarios...>', 'scenario files (.ts, .json) or directories of them')
    .action((paths: string[], flags: RunFlags) => guard(() => runFiles(paths, flags)));
}

/** `zerodrop demo` */
export function demoCommand(): Command {
  return runOptions(new Command('demo'))
    .description(
      'the default scenario (farm-crash-migrate) on the embedded default: fs-sim + Kamailio + RTPEngine',
    )
    .action((flags: RunFlags) => guard(() => runFiles([demoScenarioPath], flags)));
}

/** `zerodrop analyze <run dir>` */
export function analyzeCommand(): Command {
  return new Command('analyze')
    .description('re-run the checks of a stored run without a lab; rewrites its results and report')
    .argument('<run-dir>', 'a run folder, e.g. reports/latest')
    .action((dir: string) =>
      guard(async () => {
        const r = analyzeRun(dir);
        for (const c of r.results)
          console.log(
            `${c.valid === true ? 'PASS' : c.valid === false ? 'FAIL' : 'UNKNOWN'}  ${c.name}: ${c.details}`,
          );
        console.log(`report: ${r.reportHtml}`);
        return r.exitCode;
      }),
    );
}
