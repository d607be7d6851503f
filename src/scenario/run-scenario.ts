// The runner: owns the phases — bring up → calls → faults while calls run → heal → recovery → checks → report → tear down.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CallGenerator } from '../calls/call-generator.js';
import { type CheckResult, runChecks } from '../checks/check.js';
import { exitCode } from '../checks/exit-code.js';
import { systemClock } from '../common/clock.js';
import { errorMessage } from '../common/errors.js';
import type { EventDraft } from '../common/event.js';
import { EventKind } from '../common/event-kinds.js';
import { freshSeed, SeededRandom } from '../common/seeded-random.js';
import { ZERODROP_VERSION } from '../common/version.js';
import { Nemesis } from '../faults/nemesis.js';
import { CALLEE_SIP_PORT } from '../freeswitch/lab-dialplan.js';
import { History } from '../history/history.js';
import { HistoryStore } from '../history/history-store.js';
import { createRunDir, RunFiles, writeRunJson } from '../history/run-dir.js';
import { Lab } from '../lab/lab.js';
import { type ProxyChoice, proxyLabel, selectProxy } from '../lab/proxy-choice.js';
import { readProxyVersion } from '../lab/proxy-version.js';
import type { StartedLab } from '../lab/started-lab.js';
import { MediaEngine } from '../media/media-engine.js';
import { RecoveryStore } from '../recovery/recovery-store.js';
import { renderPostgresInit } from '../recovery/render-postgres-init.js';
import type { Implementation, RunMeta } from '../report/report-model.js';
import { writeReport } from '../report/write-report.js';
import { startCapture } from './lab-capture.js';
import { nodeHosts } from './lab-wiring.js';
import { identify, type NodeEsl } from './node-control.js';
import { snapshotRecoveryRows } from './recovery-snapshot.js';
import type { RunContext } from './run-context.js';
import { runStep } from './run-steps.js';
import { scenarioChecks } from './scenario-checks.js';
import type { Scenario } from './scenario-schema.js';
import { type UnderTest, underTestRole } from './under-test.js';

/** Options of one run; the scenario supplies the rest. */
export interface RunOptions {
  scenario: Scenario;
  /** Overrides scenario.calls.count. */
  calls?: number;
  seed?: number;
  /** The FreeSWITCH under test (default fs-sim). */
  underTest?: UnderTest;
  /** The farm's proxy (default: the scenario's topology.proxy, which must then be kamailio). */
  proxy?: ProxyChoice;
  /** Controller probe interval in ms (default 100). */
  probeIntervalMs?: number;
  reportsDir?: string;
  /** Leave the lab running after the run (its id is printed). */
  keep?: boolean;
  progress?: (line: string) => void;
  signal?: AbortSignal;
}

/** What a run produced. */
export interface RunOutcome {
  dir: string;
  results: CheckResult[];
  exitCode: 0 | 1 | 2;
  error?: string;
  seed: number;
}

const ESL_PASSWORD = 'zerodrop';

/** Runs a scenario end to end; never throws for a failed run: the report says what happened. */
export async function runScenario(opts: RunOptions): Promise<RunOutcome> {
  const scenario: Scenario = opts.calls === undefined ? opts.scenario : withCalls(opts.scenario, opts.calls);
  const seed = opts.seed ?? scenario.seed ?? freshSeed();
  const farm = scenario.topology.kind === 'farm';
  const proxy: ProxyChoice =
    opts.proxy ??
    (farm
      ? selectProxy({ requested: scenario.topology.proxy, where: 'topology.proxy' })
      : { kind: 'kamailio' });
  let proxyName = proxyLabel(proxy);
  const progress = opts.progress ?? ((l: string) => console.log(l));
  const clock = systemClock;
  const started = new Date();
  const run = createRunDir(opts.reportsDir ?? 'reports', scenario.name, started);
  const history = new History(clock);
  const store = HistoryStore.open(join(run.dir, RunFiles.history)).follow(history);
  const underTest = opts.underTest ?? { kind: 'fs-sim' as const };
  writeRunJson(run.dir, RunFiles.scenario, { ...scenario, seed });
  progress(
    `run ${run.name} seed ${seed} (${underTest.kind === 'fs-sim' ? 'fs-sim, the FreeSWITCH emulator' : `FreeSWITCH from ${underTest.image}`})`,
  );

  const abort = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, abort.signal]) : abort.signal;
  let lab: StartedLab | undefined;
  let failure: string | undefined;
  let implementation: Implementation =
    underTest.kind === 'fs-sim'
      ? { name: 'fs-sim', version: ZERODROP_VERSION, emulator: true }
      : { name: 'FreeSWITCH', image: underTest.image, emulator: false };
  const cleanups: Array<() => Promise<unknown>> = [];
  let ctx: RunContext | undefined;
  try {
    const nodeNames = Array.from({ length: scenario.topology.freeswitchNodes }, (_, i) => `fs${i + 1}`);
    lab = await new Lab({
      topology: scenario.topology.kind,
      freeswitchNodes: scenario.topology.freeswitchNodes,
      freeswitchRole: underTestRole(underTest, {
        eslPassword: ESL_PASSWORD,
        coreDb: scenario.topology.coreDb,
        storage: scenario.topology.storage,
      }),
      postgres: {
        initSql: (a) =>
          renderPostgresInit({ nodes: nodeHosts(a, nodeNames), layout: scenario.topology.storage }).sql,
      },
      nopreempt: !scenario.topology.keepalived.preempt,
      selfFence: scenario.topology.keepalived.selfFence,
      proxy,
      logsDir: join(run.dir, 'logs'),
      onProgress: progress,
      signal,
    }).start();
    const a = lab.addresses;
    history.record('lab', 'ok', EventKind.labUp, {
      id: lab.id,
      subnet: a.subnet,
      hosts: lab.hosts.map((h) => [h.name, h.ip]),
    });
    if (farm) {
      proxyName = proxyLabel(proxy, await readProxyVersion(lab.host('proxy'), proxy));
      progress(`proxy: ${proxyName}`);
    }
    const capture = await startCapture(lab, join(run.dir, 'lab.pcap'));
    cleanups.push(() => capture.stop());

    const nameByIp = new Map(lab.freeswitch.map((h) => [h.ip, h.name]));
    // Calls name the node by its Contact address; checks and faults speak node names.
    const sink = (d: EventDraft) => history.append(withNodeName(d, nameByIp));
    const media = await MediaEngine.start({ bindIp: a.gateway, clock, sink });
    cleanups.push(() => media.close());
    const target =
      scenario.topology.kind === 'farm'
        ? a.proxy
        : scenario.topology.kind === 'keepalived'
          ? a.vip
          : a.freeswitch[0]!;
    const calls = await CallGenerator.start({
      localIp: a.gateway,
      calleePort: CALLEE_SIP_PORT,
      target: { address: target, port: 5060 },
      media,
      sink,
      clock,
    });
    cleanups.push(() => calls.close());
    const recoveryStore = RecoveryStore.connect({
      host: a.postgres,
      port: 5432,
      database: 'freeswitch',
      user: 'zerodrop',
      password: 'zerodrop',
      max: 4,
    });
    cleanups.push(() => recoveryStore.close());
    const esl = new Map<string, NodeEsl>(
      lab.freeswitch.map((h) => [h.name, { host: h.ip, port: 8021, password: ESL_PASSWORD }]),
    );
    const identity = await identify(esl.get('fs1')!);
    // `status` names the build (FreeSWITCH's version line, or fs-sim's "emulating …" line)
    const build = identity?.replace(/ is ready\.?$/, '').replace(/^fs-sim /, '');
    if (build)
      implementation = {
        ...implementation,
        version: implementation.emulator ? `${ZERODROP_VERSION} ${build}` : build,
      };

    ctx = {
      scenario,
      lab,
      history,
      clock,
      random: new SeededRandom(seed),
      calls,
      nemesis: new Nemesis(history.sink, clock),
      store: recoveryStore,
      esl,
      placed: [],
      victims: [],
      down: new Set(),
      probeIntervalMs: opts.probeIntervalMs ?? 100,
      progress,
      signal,
      closers: cleanups,
    };
    for (const [i, step] of scenario.steps.entries()) await runStep(ctx, step, i);
    await ctx.controller?.stop();
    if (!scenario.steps.some((st) => st.step === 'hangup')) await snapshotRecoveryRows(ctx);
    await Promise.all(ctx.placed.map((c) => c.hangup()));
  } catch (e) {
    failure = errorMessage(e);
    progress(`run failed: ${failure}`);
    history.record('runner', 'fail', EventKind.phase, { phase: 'aborted', error: failure });
  } finally {
    await ctx?.controller?.stop().catch(() => {});
    await ctx?.nemesis.healAll().catch(() => {});
    for (const c of cleanups.reverse()) await c().catch(() => {});
    if (lab && !opts.keep) {
      await lab.stop().catch((e) => progress(`teardown: ${errorMessage(e)}`));
      history.record('lab', 'ok', EventKind.labDown, { id: lab.id });
    } else if (lab) progress(`lab ${lab.id} left running (zerodrop lab down --id ${lab.id})`);
  }

  const checks = scenarioChecks(scenario);
  const ctxBounds = { bounds: { mediaResumeMs: scenario.bounds.mediaResumeMs } };
  const results = runChecks(checks, history.events, ctxBounds);
  if (failure)
    results.push({ name: 'run', valid: 'unknown', details: `the run did not complete: ${failure}` });
  writeRunJson(run.dir, RunFiles.results, results);
  const meta: RunMeta = {
    implementation,
    proxy: farm ? proxyName : `${opts.proxy?.kind ?? scenario.topology.proxy} (not in this topology)`,
    seed,
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    zerodropVersion: ZERODROP_VERSION,
    hostname: hostname(),
  };
  writeRunJson(run.dir, RunFiles.meta, meta);
  writeReport(run.dir, {
    scenario: {
      name: scenario.name,
      description: scenario.description,
      topology: scenario.topology.kind,
      bounds: scenario.bounds,
    },
    history: history.events,
    results,
    meta,
  });
  store.close();
  const code = exitCode(results);
  progress(
    `verdict: ${code === 0 ? 'VALID' : code === 1 ? 'INVALID' : 'UNKNOWN'} — report ${join(run.dir, RunFiles.html)}`,
  );
  return { dir: run.dir, results, exitCode: code, seed, ...(failure ? { error: failure } : {}) };
}

function withCalls(s: Scenario, count: number): Scenario {
  return { ...s, calls: { ...s.calls, count } };
}

function withNodeName(d: EventDraft, nameByIp: ReadonlyMap<string, string>): EventDraft {
  const v = d.value as { node?: unknown } | null;
  if (d.kind !== EventKind.callAnswered || typeof v?.node !== 'string') return d;
  const name = nameByIp.get(v.node);
  return name ? { ...d, value: { ...v, node: name, nodeIp: v.node } } : d;
}
