// The run timeline: fault windows and controller steps from the nemesis and controller processes.
import type { HistoryEvent } from '../common/event.js';
import { EventKind } from '../common/event-kinds.js';
import type { HistoryView } from './check.js';
import { fields } from './fields.js';

/** One fault from its invocation to its heal. */
export interface FaultWindow {
  fault: string;
  targets: string[];
  /** When the nemesis invoked it. */
  startMs: number;
  /** When the nemesis reported it in effect (undefined: it failed or never said). */
  effectiveMs?: number;
  failed: boolean;
  /** When its heal completed; undefined: never healed within the history. */
  endMs?: number;
}

/** The controller step names, in the order the controller takes them. */
export const STEP_KINDS = ['detect', 'fence', 'migrate', 'recover', 'confirm'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** One controller step; detect is an instant (startMs === endMs). */
export interface ControllerStep {
  step: StepKind;
  /** The node acted on (fence/recover/confirm/detect), or "from→to" for migrate. */
  subject: string;
  startMs: number;
  endMs?: number;
  ok?: boolean;
  value: unknown;
}

/** Everything that happened to the lab, as windows and steps. */
export interface RunTimeline {
  faults: FaultWindow[];
  steps: ControllerStep[];
  /** First fault invocation; undefined in a run without faults. */
  firstFaultMs?: number;
  /** When recovery ended: last successful confirm/recover after the fault; else, if the controller never tried, last heal. */
  recoveryEndMs?: number;
  /** When the controller last recovered successfully after the fault (confirm/recover ok); no heal fallback. */
  recoveredMs?: number;
  startMs: number;
  endMs: number;
}

const STEP_OF: Record<string, StepKind> = {
  [EventKind.detect]: 'detect',
  [EventKind.fence]: 'fence',
  [EventKind.migrate]: 'migrate',
  [EventKind.recover]: 'recover',
  [EventKind.confirm]: 'confirm',
};

function subjectOf(e: HistoryEvent): string {
  const node = fields.str(e.value, 'node');
  if (node !== undefined) return node;
  // the controller names one or several migration targets
  return `${fields.str(e.value, 'from') ?? '?'}→${fields.strs(e.value, 'to').join(',') || '?'}`;
}

/** Hosts a fault hit: the nemesis writes `targets` (a list); `target` is accepted too. */
function targetsOf(e: HistoryEvent): string[] {
  return [...fields.strs(e.value, 'targets'), ...fields.strs(e.value, 'target')];
}

/** Pairs invokes with their ok/fail (same kind and subject, earliest open first) into windows and steps. */
export function runTimeline(history: HistoryView): RunTimeline {
  const faults: FaultWindow[] = [];
  const steps: ControllerStep[] = [];
  const openFault = (kind: string, fault: string, targets: string[], pick: (w: FaultWindow) => boolean) =>
    faults.find((w) => w.fault === fault && sameTargets(w.targets, targets) && pick(w)) ??
    (kind === EventKind.heal ? faults.find((w) => sameTargets(w.targets, targets) && pick(w)) : undefined);
  for (const e of history) {
    if (e.kind === EventKind.fault) {
      const fault = fields.str(e.value, 'fault') ?? 'fault';
      const targets = targetsOf(e);
      if (e.type === 'invoke') faults.push({ fault, targets, startMs: e.timeMs, failed: false });
      else {
        const w = openFault(e.kind, fault, targets, (x) => x.effectiveMs === undefined && !x.failed);
        if (w && e.type === 'ok') w.effectiveMs = e.timeMs;
        else if (w && e.type === 'fail') w.failed = true;
        else if (!w)
          faults.push({
            fault,
            targets,
            startMs: e.timeMs,
            effectiveMs: e.timeMs,
            failed: e.type === 'fail',
          });
      }
    } else if (e.kind === EventKind.heal && e.type === 'ok') {
      const fault = fields.str(e.value, 'fault') ?? 'fault';
      const w = openFault(e.kind, fault, targetsOf(e), (x) => x.endMs === undefined);
      if (w) w.endMs = e.timeMs;
    } else {
      const step = STEP_OF[e.kind];
      if (!step) continue;
      const subject = subjectOf(e);
      if (e.type === 'invoke') steps.push({ step, subject, startMs: e.timeMs, value: e.value });
      else {
        const open = steps.find(
          (s) => s.step === step && s.subject === subject && s.ok === undefined && s.endMs === undefined,
        );
        const ok = e.type === 'ok' ? true : e.type === 'fail' ? false : undefined;
        if (open) Object.assign(open, { endMs: e.timeMs, ok, value: e.value });
        else steps.push({ step, subject, startMs: e.timeMs, endMs: e.timeMs, ok, value: e.value });
      }
    }
  }
  const firstFaultMs = faults.length ? Math.min(...faults.map((f) => f.startMs)) : undefined;
  const times = history.map((e) => e.timeMs);
  return {
    faults,
    steps,
    firstFaultMs,
    recoveryEndMs: recoveryEnd(faults, steps, firstFaultMs),
    recoveredMs: recoveryEnd([], steps, firstFaultMs),
    startMs: times.length ? Math.min(...times) : 0,
    endMs: times.length ? Math.max(...times) : 0,
  };
}

function sameTargets(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function recoveryEnd(
  faults: FaultWindow[],
  steps: ControllerStep[],
  firstFaultMs?: number,
): number | undefined {
  if (firstFaultMs === undefined) return undefined;
  const done = steps.filter(
    (s) => (s.step === 'confirm' || s.step === 'recover') && s.ok === true && (s.endMs ?? 0) >= firstFaultMs,
  );
  if (done.length) return Math.max(...done.map((s) => s.endMs ?? s.startMs));
  // the controller tried and never succeeded: recovery did not end, whatever the nemesis healed later
  const tried = steps.some(
    (s) => (s.step === 'confirm' || s.step === 'recover') && s.startMs >= firstFaultMs,
  );
  if (tried) return undefined;
  const healed = faults.flatMap((f) => (f.endMs === undefined ? [] : [f.endMs]));
  return healed.length ? Math.max(...healed) : undefined;
}

/** Faults that take a node down; loss, delay or a partition leave it alive (until the controller fences it). */
export const KILLING_FAULT = /crash|kill|stop|pause/i;

/** Nodes dead at time atMs: hit by a killing fault (or fenced) and not healed since. */
export function deadNodesAt(tl: RunTimeline, atMs: number, extra: readonly string[] = []): Set<string> {
  const dead = new Set(extra);
  const events: { t: number; node: string; dead: boolean }[] = [];
  for (const f of tl.faults) {
    if (f.failed || !KILLING_FAULT.test(f.fault)) continue;
    for (const n of f.targets) {
      events.push({ t: f.effectiveMs ?? f.startMs, node: n, dead: true });
      if (f.endMs !== undefined) events.push({ t: f.endMs, node: n, dead: false });
    }
  }
  for (const s of tl.steps) {
    if (s.step === 'fence' && s.ok) events.push({ t: s.endMs ?? s.startMs, node: s.subject, dead: true });
  }
  events.sort((a, b) => a.t - b.t);
  for (const ev of events) {
    if (ev.t > atMs) break;
    if (ev.dead) dead.add(ev.node);
    else if (!extra.includes(ev.node)) dead.delete(ev.node);
  }
  return dead;
}
