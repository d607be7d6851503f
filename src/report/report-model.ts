// The report model: one plain value holding everything the renderers show, built from history and results.
import type { CallTimeline, MediaGap, SipFinding } from '../checks/call-timelines.js';
import { callEndMs, callTimelines } from '../checks/call-timelines.js';
import {
  type CheckResult,
  type HistoryView,
  mergeValidity,
  nodeName,
  overallValidity,
  timeLabel,
  type Validity,
} from '../checks/check.js';
import { exitCode } from '../checks/exit-code.js';
import { fields } from '../checks/fields.js';
import { labHostsByAddress } from '../checks/lab-hosts.js';
import type { DirectionResumption } from '../checks/media-resumes.js';
import { type RunStats, runStats } from '../checks/run-stats.js';
import {
  type ControllerStep,
  type FaultWindow,
  type RunTimeline,
  runTimeline,
} from '../checks/run-timeline.js';
import type { MediaDirection } from '../common/event-kinds.js';
import { EventKind } from '../common/event-kinds.js';

/** The FreeSWITCH (or emulator) the run tested. */
export interface Implementation {
  /** e.g. "FreeSWITCH" or "fs-sim". */
  name: string;
  version?: string;
  /** Container image, when the user brought one. */
  image?: string;
  /** True for fs-sim: reports then say it is an emulator, not FreeSWITCH. */
  emulator: boolean;
}

/** Facts about the run that are not in the history. */
export interface RunMeta {
  implementation: Implementation;
  /** SIP proxy in front of the nodes, e.g. "kamailio 5.6". */
  proxy?: string;
  seed: string | number;
  startedAt: string;
  finishedAt?: string;
  zerodropVersion?: string;
  hostname?: string;
}

/** The part of the scenario the report shows. */
export interface ScenarioSummary {
  name: string;
  description?: string;
  topology?: string;
  bounds: { mediaResumeMs: number };
  [key: string]: unknown;
}

/** What a report is built from. */
export interface ReportInput {
  scenario: ScenarioSummary;
  history: HistoryView;
  results: readonly CheckResult[];
  meta: RunMeta;
  /** A last history line cut short by a crash, if any. */
  truncatedTail?: string;
  /** Lab address → node name, so calls show "fs1" rather than the Contact host (default: from lab.up). */
  nodeByAddress?: Readonly<Record<string, string>>;
}

/** How a call fared, in words a VoIP engineer uses. */
export type CallStatus =
  | 'survived'
  | 'dropped'
  | 'media-lost'
  | 'slow-resume'
  | 'unknown'
  | 'not-at-risk'
  | 'failed'
  | 'no-answer';

/** One call's row: timings, gaps per direction, and every check's word on it. */
export interface CallRow {
  callId: string;
  node?: string;
  inviteMs?: number;
  answeredMs?: number;
  endMs?: number;
  atFault: boolean;
  status: CallStatus;
  valid: Validity;
  reinviteMs?: number;
  directions: Partial<Record<MediaDirection, DirectionResumption>>;
  gaps: Record<MediaDirection, MediaGap[]>;
  remoteByeMs?: number;
  verdicts: { check: string; valid: Validity; message: string }[];
}

/** The whole report as data (report.json is this value). */
export interface RunReport {
  verdict: Validity;
  exitCode: 0 | 1 | 2;
  /** One line: verdict first, then why. */
  verdictLine: string;
  /** e.g. "fs-sim 0.1 (FreeSWITCH emulator)" or "FreeSWITCH 1.10.12 from image X". */
  implementationLabel: string;
  meta: RunMeta;
  scenario: ScenarioSummary;
  checks: readonly CheckResult[];
  stats: Omit<RunStats, 'resumptions'>;
  calls: CallRow[];
  faults: FaultWindow[];
  steps: ControllerStep[];
  findings: (SipFinding & { callId: string })[];
  /** Things a reader must know before trusting the verdict: false detections, failed steps, broken files. */
  warnings: string[];
  /** Run start (first event) and end, first fault and recovery end, monotonic ms. */
  t0Ms: number;
  endMs: number;
  firstFaultMs?: number;
  recoveryEndMs?: number;
  history: { events: number; truncatedTail?: string };
}

/** "fs-sim 0.1 (FreeSWITCH emulator)" / "FreeSWITCH 1.10.12 from image X". */
export function implementationLabel(i: Implementation): string {
  const base = `${i.name}${i.version ? ` ${i.version}` : ''}`;
  if (i.emulator) return `${base} (FreeSWITCH emulator)`;
  return i.image ? `${base} from image ${i.image}` : base;
}

/** Builds the report model; pure. */
export function buildReport(input: ReportInput): RunReport {
  const { history, results, scenario } = input;
  const tl = runTimeline(history);
  const stats = runStats(history, scenario.bounds.mediaResumeMs);
  const { resumptions, ...statsOut } = stats;
  const byCall = new Map(resumptions.map((r) => [r.callId, r]));
  const timelines = callTimelines(history);
  const byAddress = { ...labHostsByAddress(history), ...input.nodeByAddress };
  const calls = timelines.map((t) => {
    const row = callRow(t, byCall.get(t.callId)?.directions, byCall.get(t.callId)?.reinviteMs, results);
    return { ...row, node: nodeName(row.node, byAddress) };
  });
  const verdict = overallValidity(results);
  return {
    verdict,
    exitCode: exitCode(results),
    verdictLine: verdictLine(results),
    implementationLabel: implementationLabel(input.meta.implementation),
    meta: input.meta,
    scenario,
    checks: results,
    stats: statsOut,
    calls,
    faults: tl.faults,
    steps: tl.steps,
    findings: timelines.flatMap((t) => t.findings.map((f) => ({ callId: t.callId, ...f }))),
    warnings: runWarnings(tl, history, input.truncatedTail),
    t0Ms: tl.startMs,
    endMs: tl.endMs,
    firstFaultMs: tl.firstFaultMs,
    recoveryEndMs: tl.recoveryEndMs,
    history:
      input.truncatedTail === undefined
        ? { events: history.length }
        : { events: history.length, truncatedTail: input.truncatedTail },
  };
}

function callRow(
  t: CallTimeline,
  dirs: DirectionResumption[] | undefined,
  reinviteMs: number | undefined,
  results: readonly CheckResult[],
): CallRow {
  const verdicts = results.flatMap((r) =>
    (r.perCall ?? [])
      .filter((c) => c.callId === t.callId)
      .map((c) => ({ check: r.name, valid: c.valid, message: c.message })),
  );
  const remoteBye = t.byes.find(
    (b) => b.by === 'remote' && (t.hangupMs === undefined || b.timeMs < t.hangupMs),
  );
  const row: CallRow = {
    callId: t.callId,
    node: t.node,
    inviteMs: t.inviteMs,
    answeredMs: t.answeredMs,
    endMs: callEndMs(t),
    atFault: dirs !== undefined,
    status: 'unknown',
    valid: mergeValidity(...verdicts.map((v) => v.valid)),
    reinviteMs: reinviteMs ?? t.reinvites[0]?.timeMs,
    directions: Object.fromEntries((dirs ?? []).map((d) => [d.direction, d])),
    gaps: { 'to-caller': t.media['to-caller'].gaps, 'to-callee': t.media['to-callee'].gaps },
    remoteByeMs: remoteBye?.timeMs,
    verdicts,
  };
  row.status = statusOf(t, row, dirs);
  return row;
}

function statusOf(t: CallTimeline, row: CallRow, dirs: DirectionResumption[] | undefined): CallStatus {
  if (t.answeredMs === undefined) return t.failed ? 'failed' : 'no-answer';
  if (row.remoteByeMs !== undefined || t.reinviteAnswers.some((a) => !a.ok)) return 'dropped';
  if (!dirs) return 'not-at-risk';
  if (dirs.some((d) => d.valid === false && !d.resumed)) return 'media-lost';
  if (dirs.some((d) => d.valid === false)) return 'slow-resume';
  return dirs.every((d) => d.valid === true) ? 'survived' : 'unknown';
}

function verdictLine(results: readonly CheckResult[]): string {
  const v = overallValidity(results);
  if (results.length === 0) return 'UNKNOWN — no checks ran';
  const expected = results.filter((r) => r.expectation?.met);
  if (v === true) {
    return expected.length
      ? `PASS — failed exactly as expected: ${expected.map((r) => `${r.name} (${r.expectation?.why})`).join('; ')}`
      : `PASS — all ${results.length} checks valid`;
  }
  const bad = results.filter((r) => r.valid === v);
  return `${v === false ? 'FAIL' : 'UNKNOWN'} — ${bad.map((r) => `${r.name}: ${clip(firstClause(r.details), 110)}`).join(' | ')}`;
}

// the verdict line is a headline: the first clause of each failing check, the rest is in the table
const firstClause = (s: string): string => s.split('; ')[0] ?? s;
const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Anomalies of the run itself, stated plainly so that nobody reads a verdict without them. */
export function runWarnings(tl: RunTimeline, history: HistoryView, truncatedTail?: string): string[] {
  const at = timeLabel(history);
  const out: string[] = [];
  const f = tl.firstFaultMs;
  for (const s of tl.steps) {
    if ((s.step === 'detect' || s.step === 'fence') && (f === undefined || s.startMs < f)) {
      out.push(
        `controller ${s.step === 'detect' ? `declared ${s.subject} dead` : `fenced ${s.subject}`} at ${at(s.startMs)}, ` +
          (f === undefined ? 'in a run without faults' : `before the first fault (${at(f)})`) +
          ': a false detection takes healthy calls down',
      );
    }
    if (s.ok === false) {
      const error = fields.str(s.value, 'error');
      out.push(
        `controller ${s.step} ${s.subject} failed at ${at(s.endMs ?? s.startMs)}${error ? `: ${error}` : ''}`,
      );
    }
  }
  for (const w of tl.faults)
    if (w.failed) out.push(`fault ${w.fault} on ${w.targets.join(', ') || '?'} failed at ${at(w.startMs)}`);
  for (const e of history) {
    if (e.kind === EventKind.recoveryRows && e.type === 'fail') {
      out.push(
        `recovery rows of ${fields.str(e.value, 'node') ?? '?'} could not be read: ${fields.str(e.value, 'error') ?? ''}`,
      );
    }
  }
  if (truncatedTail !== undefined)
    out.push('history.jsonl ends with a line cut short: the harness crashed while writing it');
  return out;
}
