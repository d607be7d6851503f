// The step interpreter: each scenario step acts on the run context (calls, faults, failover, waits).
import { CallState, type HarnessCall } from '../calls/harness-call.js';
import { EventKind } from '../common/event-kinds.js';
import { delay, pollUntil } from '../common/wait.js';
import { FailoverController } from '../failover/failover-controller.js';
import type { Fault } from '../faults/fault.js';
import { crashFault, killFault, pauseFault, stopFault } from '../faults/host-faults.js';
import { delayFault, lossFault, partitionFault } from '../faults/network-faults.js';
import { selectTargets, type TargetSpec } from '../faults/select-targets.js';
import { faultHost } from './fault-hosts.js';
import { labFailoverNode, storeMover } from './lab-failover.js';
import { mediaBackWindow, streamBack } from './media-back.js';
import { crashNode, probeNode, recoverOn } from './node-control.js';
import { snapshotRecoveryRows } from './recovery-snapshot.js';
import { note, type RunContext } from './run-context.js';
import type { Step } from './scenario-schema.js';
import { splitFailover } from './split-migration.js';

type StepOf<K extends Step['step']> = Extract<Step, { step: K }>;

/** Runs one step; throws only on a harness or configuration error (faults and calls record their outcomes). */
export async function runStep(ctx: RunContext, step: Step, index: number): Promise<void> {
  note(ctx, EventKind.phase, { phase: `step ${index}: ${step.step}`, step });
  ctx.progress(`step ${index}: ${describeStep(step)}`);
  switch (step.step) {
    case 'place-calls':
      return placeCalls(ctx, step.count ?? ctx.scenario.calls.count, true);
    case 'place-calls-during-failover':
      void placeCalls(ctx, step.count, false);
      return;
    case 'wait':
    case 'hold':
      return delay(step.ms, ctx.signal);
    case 'fault':
      return injectFault(ctx, step);
    case 'heal':
      await ctx.nemesis.healAll();
      return;
    case 'failover':
      return failover(ctx, step);
    case 'await-recovery':
      return awaitRecovery(ctx, step.timeoutMs);
    case 'hangup':
      // Rows are judged while the calls are still up: a hangup deletes them.
      await snapshotRecoveryRows(ctx);
      await Promise.all(ctx.placed.map((c) => c.hangup()));
      return;
  }
}

/** One line per step for the live progress. */
export function describeStep(step: Step): string {
  switch (step.step) {
    case 'fault':
      return `fault ${step.fault} on ${Array.isArray(step.target) ? step.target.join(',') : step.target}`;
    case 'failover':
      return `failover: ${step.action}${step.action === 'migrate' ? (step.splitUnits ? ' splitting every unit' : ` to ${String(step.to)}`) : ''}`;
    case 'wait':
    case 'hold':
      return `${step.step} ${step.ms} ms`;
    default:
      return step.step;
  }
}

/** Places count calls at the scenario's rate; with `wait`, resolves when every one is answered or failed. */
async function placeCalls(ctx: RunContext, count: number, wait: boolean): Promise<void> {
  const { ratePerSec, kind } = ctx.scenario.calls;
  const started = ctx.clock.nowMs();
  const pending: Promise<HarnessCall[]>[] = [];
  for (let i = 0; i < count && !ctx.signal.aborted; i++) {
    const due = started + (i * 1000) / ratePerSec - ctx.clock.nowMs();
    if (due > 0) await delay(due, ctx.signal).catch(() => {});
    const mode = typeof kind === 'string' ? kind : ctx.random.weighted(kind);
    if (mode === 'conference') {
      // a whole room at once, its members counted as calls
      const members = ctx.scenario.calls.conferenceSize;
      const p = ctx.calls.placeRoom({ members, target: roomTarget(ctx) });
      i += members - 1;
      pending.push(p);
      // a room that cannot be placed (no room left in the dialplan) fails the step through `pending`
      p.then((cs) => ctx.placed.push(...cs)).catch(() => {});
      continue;
    }
    const p = ctx.calls.place({ user: mode, mode });
    pending.push(p.then((c) => [c]));
    void p.then((c) => ctx.placed.push(c));
  }
  if (!wait) return;
  const calls = (await Promise.all(pending)).flat();
  const answered = calls.filter((c) => c.state === CallState.Answered).length;
  ctx.progress(`  ${answered}/${calls.length} calls answered`);
  // FreeSWITCH writes a leg's recovery row ~0.3 s after answer: a fault right after answer is its own scenario.
}

/**
 * Where a conference room's members go: the proxy's dispatcher would spread them over nodes (one room each), so in
 * the farm they dial one live node directly, rooms round-robin over the nodes.
 */
function roomTarget(ctx: RunContext): { address: string; port: number } | undefined {
  if (ctx.scenario.topology.kind !== 'farm') return undefined;
  const live = ctx.lab.freeswitch.filter((h) => !ctx.down.has(h.name));
  const node = live[ctx.calls.roomsPlaced % Math.max(1, live.length)];
  return node ? { address: node.ip, port: 5060 } : undefined;
}

const FREESWITCH_FAULTS = new Set(['crash', 'kill', 'stop']);

function faultFor(step: StepOf<'fault'>): Fault {
  switch (step.fault) {
    case 'crash':
      return crashFault;
    case 'kill':
      return killFault;
    case 'stop':
      return stopFault;
    case 'pause':
      return pauseFault;
    case 'partition':
      return partitionFault;
    case 'loss':
      return lossFault(step.probability ?? 0);
    case 'delay':
      return delayFault(step.delayMs ?? 0, step.jitterMs ?? 0);
  }
}

/** The keepalived master: the node whose notify hook last wrote MASTER (paused or dead nodes are skipped). */
async function keepalivedMaster(ctx: RunContext, nodes: readonly string[]): Promise<string | undefined> {
  for (const n of nodes) {
    const r = await ctx.lab
      .host(n)
      .exec(['cat', '/run/zerodrop/vrrp-state'])
      .catch(() => undefined);
    if (r?.exitCode === 0 && r.stdout.trim() === 'MASTER') return n;
  }
  return undefined;
}

async function resolveTargets(ctx: RunContext, spec: TargetSpec): Promise<string[]> {
  const freeswitch = ctx.lab.freeswitch.map((h) => h.name).filter((n) => !ctx.down.has(n));
  const master =
    ctx.scenario.topology.kind === 'keepalived' ? await keepalivedMaster(ctx, freeswitch) : undefined;
  return selectTargets(
    spec,
    {
      freeswitch,
      primary: master ?? freeswitch[0] ?? 'fs1',
      infra: { proxy: 'proxy', rtpengine: 'rtpengine', postgres: 'pg' },
    },
    ctx.random,
  );
}

async function injectFault(ctx: RunContext, step: StepOf<'fault'>): Promise<void> {
  const names = await resolveTargets(ctx, step.target);
  const peers = step.peer ? await resolveTargets(ctx, step.peer) : [];
  const hostOf = (n: string) => {
    const esl = ctx.esl.get(n);
    return faultHost(ctx.lab.host(n), esl ? () => crashNode(esl) : undefined);
  };
  const outcome = await ctx.nemesis.inject(faultFor(step), names.map(hostOf), peers.map(hostOf));
  ctx.victims = names;
  if (outcome.ok && FREESWITCH_FAULTS.has(step.fault)) for (const n of names) ctx.down.add(n);
  ctx.progress(
    `  ${step.fault} on ${names.join(', ')}: ${outcome.ok ? 'done' : `FAILED ${outcome.error ?? ''}`}`,
  );
}

/** The failover controller over every FreeSWITCH node of the lab. */
export function labController(ctx: RunContext, spread: boolean): FailoverController {
  const nodes = ctx.lab.freeswitch.map((h) => labFailoverNode(h, ctx.esl.get(h.name)!));
  for (const n of nodes) ctx.closers.push(() => n.close());
  return new FailoverController(nodes, storeMover(ctx.store), {
    probeIntervalMs: ctx.probeIntervalMs,
    failuresToDeclareDead: 3,
    spread,
    clock: ctx.clock,
    sink: ctx.history.sink,
  });
}

async function failover(ctx: RunContext, step: StepOf<'failover'>): Promise<void> {
  const spread = step.to === 'spread';
  switch (step.action) {
    case 'none':
      return;
    case 'controller':
      ctx.controller ??= labController(ctx, spread);
      ctx.controller.start();
      return;
    case 'migrate': {
      if (step.from) ctx.victims = await resolveTargets(ctx, step.from);
      if (step.splitUnits) return splitFailover(ctx);
      ctx.controller ??= labController(ctx, spread);
      for (const v of ctx.victims) {
        const out = await ctx.controller.failover(v, 'scenario');
        ctx.progress(`  failover ${v}: ${out.ok ? 'ok' : `FAILED at ${out.step}: ${out.error ?? ''}`}`);
      }
      return;
    }
    case 'restart-recover':
      for (const v of ctx.victims) await restartAndRecover(ctx, v);
      return;
  }
}

/** Same-node recovery: bring the node back, wait for ESL, `fsctl recover` there. */
async function restartAndRecover(ctx: RunContext, node: string): Promise<void> {
  const esl = ctx.esl.get(node)!;
  const emit = (type: 'invoke' | 'ok' | 'fail', kind: string, value: unknown) =>
    ctx.history.append({ timeMs: ctx.clock.nowMs(), process: 'controller', type, kind, value });
  await ctx.nemesis.healAll();
  const up = await pollUntil(async () => ((await probeNode(esl, 1_000)) ? true : undefined), {
    timeoutMs: 30_000,
    intervalMs: 100,
    signal: ctx.signal,
  });
  if (!up) {
    emit('fail', EventKind.recover, { node, error: 'node did not come back within 30 s' });
    return;
  }
  ctx.down.delete(node);
  emit('invoke', EventKind.recover, { node, command: 'fsctl recover' });
  const r = await recoverOn(esl);
  emit(r.ok ? 'ok' : 'fail', EventKind.recover, {
    node,
    command: 'fsctl recover',
    ...r,
    recovered: r.value ?? 0,
  });
  ctx.progress(`  ${node} restarted, recovered ${r.value ?? 0} leg(s)`);
}

/** Waits until every call up at the first fault has media again in every direction it expects, or the timeout. */
async function awaitRecovery(ctx: RunContext, timeoutMs: number): Promise<void> {
  const window = mediaBackWindow(ctx.history.events);
  if (!window) return;
  const atRisk = ctx.placed.filter((c) => c.answeredMs !== undefined && c.answeredMs < window.faultMs);
  const resumed = (c: HarnessCall) =>
    c.state !== CallState.Answered ||
    [c.callerStream, ...(c.callee ? [c.callee.stream] : [])].every((s) =>
      streamBack(s.stats(), window.countFromMs),
    );
  const done = await pollUntil(async () => (atRisk.every(resumed) ? true : undefined), {
    timeoutMs,
    intervalMs: 50,
    signal: ctx.signal,
  });
  const back = atRisk.filter(resumed).length;
  ctx.progress(
    `  media back on ${back}/${atRisk.length} calls${done ? '' : ` (gave up after ${timeoutMs} ms)`}`,
  );
}
