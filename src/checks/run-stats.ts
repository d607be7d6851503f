// Run statistics: survival, controller timings after the fault, gap percentiles per direction.
import type { MediaDirection } from '../common/event-kinds.js';
import { callTimelines } from './call-timelines.js';
import type { HistoryView } from './check.js';
import { type CallResumption, callResumption, callsAtRisk } from './media-resumes.js';
import { runTimeline } from './run-timeline.js';

/** p50/p95/max of a set of gaps (ms), nearest-rank; undefined when empty. */
export interface GapStats {
  count: number;
  p50Ms?: number;
  p95Ms?: number;
  maxMs?: number;
}

/** The numbers a run is summarised by. */
export interface RunStats {
  callsPlaced: number;
  callsAnswered: number;
  /** Calls answered and up when the first fault struck. */
  callsAtFault: number;
  /** Of those, how many came through: media back both ways within the bound and no network BYE. */
  callsSurvived: number;
  /** callsSurvived / callsAtFault (1 when no call was at risk). */
  survival: number;
  /** Fault → first controller detect. */
  detectMs?: number;
  /** First fence/migrate invoke → last migrate ok. */
  migrateMs?: number;
  /** First recover invoke → last recover (or confirm) ok. */
  recoverMs?: number;
  /** Fault → recovery end. */
  failoverMs?: number;
  /** Fault gap per direction over the calls the fault interrupted (never-ended silences are counted apart). */
  gaps: Record<MediaDirection, GapStats>;
  /** Calls whose media never resumed in some direction. */
  unresumed: number;
  resumptions: CallResumption[];
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** Gap statistics of a list of gaps in ms. */
export function gapStats(values: readonly number[]): GapStats {
  const s = [...values].sort((a, b) => a - b);
  return { count: s.length, p50Ms: percentile(s, 50), p95Ms: percentile(s, 95), maxMs: s[s.length - 1] };
}

/** Computes the run statistics; mediaResumeMs is the scenario's bound. */
export function runStats(history: HistoryView, mediaResumeMs: number): RunStats {
  const tl = runTimeline(history);
  const calls = callTimelines(history);
  const f = tl.firstFaultMs;
  const atRisk = callsAtRisk(
    calls,
    tl.faults.map((w) => w.startMs),
  );
  const atFault = atRisk.map((c) => c.call);
  const resumptions = atRisk.map((c) => callResumption(c.call, c.faultMs, mediaResumeMs));
  const dropped = new Set(
    atFault
      .filter((t) =>
        t.byes.some((b) => b.by === 'remote' && (t.hangupMs === undefined || b.timeMs < t.hangupMs)),
      )
      .map((t) => t.callId),
  );
  const survived = resumptions.filter((r) => r.valid === true && !dropped.has(r.callId)).length;
  const after = (s: { startMs: number }) => f !== undefined && s.startMs >= f;
  const steps = tl.steps.filter(after);
  const first = (k: string) => steps.find((s) => s.step === k);
  const lastOk = (...ks: string[]) =>
    Math.max(-Infinity, ...steps.filter((s) => ks.includes(s.step) && s.ok).map((s) => s.endMs ?? s.startMs));
  const detect = first('detect');
  const migStart = first('migrate')?.startMs;
  const migEnd = lastOk('migrate');
  const recStart = first('recover')?.startMs;
  const recEnd = lastOk('recover', 'confirm');
  const gapsOf = (d: MediaDirection) =>
    gapStats(
      resumptions.flatMap((r) =>
        r.directions
          .filter((x) => x.direction === d && x.resumed && (x.faultGapMs ?? 0) > 0)
          .map((x) => x.faultGapMs!),
      ),
    );
  return {
    callsPlaced: calls.filter((t) => t.inviteMs !== undefined).length,
    callsAnswered: calls.filter((t) => t.answeredMs !== undefined).length,
    callsAtFault: atFault.length,
    callsSurvived: survived,
    survival: atFault.length ? survived / atFault.length : 1,
    detectMs: f !== undefined && detect ? detect.startMs - f : undefined,
    migrateMs: migStart !== undefined && Number.isFinite(migEnd) ? migEnd - migStart : undefined,
    recoverMs: recStart !== undefined && Number.isFinite(recEnd) ? recEnd - recStart : undefined,
    failoverMs: f !== undefined && tl.recoveryEndMs !== undefined ? tl.recoveryEndMs - f : undefined,
    gaps: { 'to-caller': gapsOf('to-caller'), 'to-callee': gapsOf('to-callee') },
    unresumed: resumptions.filter((r) => r.directions.some((d) => !d.resumed && d.valid === false)).length,
    resumptions,
  };
}
