// Check: every call answered before a fault carries media again, both ways, within the bound.
import type { MediaDirection } from '../common/event-kinds.js';
import {
  type CallTimeline,
  callEndMs,
  callTimelines,
  expectedDirections,
  type MediaGap,
} from './call-timelines.js';
import {
  type CallVerdict,
  type Check,
  countVerdicts,
  mergeValidity,
  timeLabel,
  type Validity,
} from './check.js';
import { runTimeline } from './run-timeline.js';

/** How one direction of one call came through the fault. */
export interface DirectionResumption {
  direction: MediaDirection;
  /** Last packet before the fault's silence (the gap's start, or the last packet ever if it never resumed). */
  lastBeforeFaultMs?: number;
  /** First packet after the fault's silence; undefined if it never came. */
  firstAfterMs?: number;
  /** The silence the fault caused (open silences measured to the call's end); 0 if media never stopped. */
  faultGapMs?: number;
  /** Start of a silence that never ended (the call ended or observation stopped inside it). */
  openFromMs?: number;
  /** The longest silence anywhere after the answer. */
  worstGapMs: number;
  resumed: boolean;
  valid: Validity;
  reason: string;
}

/** How one call came through the fault. */
export interface CallResumption {
  callId: string;
  node?: string;
  answeredMs: number;
  /** The fault the call lived through. */
  faultMs?: number;
  /** First re-INVITE the call received after the fault. */
  reinviteMs?: number;
  directions: DirectionResumption[];
  valid: Validity;
}

/** A call the media check is about, with the fault it lived through. */
export interface CallAtRisk {
  call: CallTimeline;
  /** The first fault that struck while the call was up; undefined in a run without faults. */
  faultMs?: number;
}

/** Calls answered and still up when a fault struck (the first such fault per call); every answered call when no fault. */
export function callsAtRisk(calls: readonly CallTimeline[], faultStarts: readonly number[]): CallAtRisk[] {
  const starts = [...faultStarts].sort((a, b) => a - b);
  return calls.flatMap((call) => {
    const answered = call.answeredMs;
    if (answered === undefined) return [];
    if (starts.length === 0) return [{ call }];
    const end = callEndMs(call) ?? Infinity;
    const faultMs = starts.find((s) => s > answered && s <= end);
    return faultMs === undefined ? [] : [{ call, faultMs }];
  });
}

/** How long before the scenario's hangup the last packets may stop without counting as a silence (ms). */
const HANGUP_RACE_MS = 250;

/** Measures one call's media around the fault against the bound. */
export function callResumption(
  t: CallTimeline,
  faultMs: number | undefined,
  boundMs: number,
  fmt: (ms: number) => string = (x) => `t=${Math.round(x)} ms`,
): CallResumption {
  const answeredMs = t.answeredMs ?? 0;
  const directions = expectedDirections(t).map((d) =>
    directionResumption(t, d, answeredMs, faultMs, boundMs, fmt),
  );
  const reinviteMs = t.reinvites.find((r) => faultMs !== undefined && r.timeMs >= faultMs)?.timeMs;
  return {
    callId: t.callId,
    node: t.node,
    answeredMs,
    faultMs,
    reinviteMs,
    directions,
    valid: mergeValidity(...directions.map((d) => d.valid)),
  };
}

function directionResumption(
  t: CallTimeline,
  direction: MediaDirection,
  answeredMs: number,
  faultMs: number | undefined,
  boundMs: number,
  fmt: (ms: number) => string,
): DirectionResumption {
  const m = t.media[direction];
  const base = { direction, worstGapMs: 0, resumed: false };
  if (m.startedMs === undefined && m.gaps.length === 0 && m.lastPacketMs === undefined) {
    return { ...base, valid: 'unknown', reason: `${direction}: no media was observed` };
  }
  // silence that starts once the scenario hangs the call up is the end of the call, not a fault
  const after = m.gaps.filter(
    (g) => g.endMs > answeredMs && (t.hangupMs === undefined || g.startMs < t.hangupMs),
  );
  const gaps = after.filter((g) => !g.open);
  const lastGapEnd = Math.max(-Infinity, ...gaps.map((g) => g.endMs));
  const end = callEndMs(t) ?? m.statsMs ?? t.lastEventMs;
  // a silence still running when observation stopped: reported by the media module as an open gap, or
  // visible in media.stats as a last packet long before the call's end
  const reported = after.find((g) => g.open);
  // A short silence cut off by the scenario's own hangup, after media had come back from the fault, is the
  // call ending (the last packets race the BYE), not a silence that might have lasted.
  const resumedBefore = (g: MediaGap) =>
    faultMs === undefined || gaps.some((x) => x.endMs >= faultMs && x.endMs <= g.startMs);
  // The last packets also race the hangup itself: a silence that began just before it (and well after the
  // fault) is the call ending too.
  const hangupRace = (g: MediaGap, hangupMs: number) =>
    g.startMs >= hangupMs - HANGUP_RACE_MS && (faultMs === undefined || g.startMs > faultMs + HANGUP_RACE_MS);
  const trailing =
    reported !== undefined &&
    t.hangupMs !== undefined &&
    reported.endMs >= t.hangupMs - HANGUP_RACE_MS &&
    reported.durationMs <= boundMs &&
    (resumedBefore(reported) || hangupRace(reported, t.hangupMs));
  const open: MediaGap | undefined =
    (trailing ? undefined : reported) ??
    (m.lastPacketMs !== undefined && m.lastPacketMs >= lastGapEnd && end - m.lastPacketMs > boundMs
      ? { startMs: m.lastPacketMs, endMs: end, durationMs: end - m.lastPacketMs, localStallMs: 0, open: true }
      : undefined);
  const faultGap =
    faultMs === undefined
      ? undefined
      : // the longest silence after the fault: under load, jitter gaps of 50-100 ms come before the outage
        [...gaps, ...(open ? [open] : [])]
          .filter((g) => g.endMs >= faultMs)
          .reduce<MediaGap | undefined>((w, g) => (!w || g.durationMs > w.durationMs ? g : w), undefined);
  const all = open ? [...gaps, open] : gaps;
  const worst = all.reduce<MediaGap | undefined>(
    (w, g) => (!w || g.durationMs > w.durationMs ? g : w),
    undefined,
  );
  const r: DirectionResumption = {
    ...base,
    worstGapMs: worst?.durationMs ?? 0,
    resumed: !open,
    openFromMs: open?.startMs,
    lastBeforeFaultMs: faultGap?.startMs,
    firstAfterMs: faultGap && faultGap !== open ? faultGap.endMs : undefined,
    faultGapMs: faultGap ? faultGap.durationMs : faultMs !== undefined && !open ? 0 : undefined,
    valid: true,
    reason: '',
  };
  const cut = networkCutMs(t);
  if (cut !== undefined && (faultMs === undefined || cut >= faultMs)) {
    const last = m.lastPacketMs ?? faultGap?.startMs;
    return {
      ...r,
      resumed: false,
      firstAfterMs: undefined,
      lastBeforeFaultMs: last,
      valid: false,
      reason: `${direction}: call cut by the network at ${fmt(cut)} before the scenario hung it up; media never resumed`,
    };
  }
  if (open && open.durationMs - open.localStallMs <= boundMs) {
    return {
      ...r,
      valid: 'unknown',
      reason: `${direction}: observation stopped ${ms(open.durationMs)} into a silence from ${fmt(open.startMs)}, before the bound ${ms(boundMs)} ran out`,
    };
  }
  if (open) {
    return {
      ...r,
      valid: false,
      reason: `${direction}: silent since ${fmt(open.startMs)} (${ms(open.durationMs)} until the call's end), never resumed`,
    };
  }
  if (worst && worst.durationMs > boundMs) {
    const where = `${direction}: gap ${ms(worst.durationMs)} from ${fmt(worst.startMs)} > bound ${ms(boundMs)}`;
    if (worst.durationMs - worst.localStallMs <= boundMs) {
      return {
        ...r,
        valid: 'unknown',
        reason: `${where}, but the harness itself stalled ${ms(worst.localStallMs)} in it`,
      };
    }
    return { ...r, valid: false, reason: where };
  }
  if (faultMs !== undefined && !faultGap && (m.lastPacketMs === undefined || m.lastPacketMs < faultMs)) {
    return {
      ...r,
      faultGapMs: undefined,
      valid: 'unknown',
      reason: `${direction}: no gap recorded and no packet counted after the fault`,
    };
  }
  return {
    ...r,
    reason: `${direction}: ${faultGap ? `resumed after ${ms(faultGap.durationMs)}` : 'never interrupted'}`,
  };
}

/** When the network ended the call (remote BYE, failed re-INVITE, failure) before the scenario hung it up. */
function networkCutMs(t: CallTimeline): number | undefined {
  const before = (x: number) => x >= (t.answeredMs ?? 0) && (t.hangupMs === undefined || x < t.hangupMs);
  const cuts = [
    ...t.byes.filter((b) => b.by === 'remote').map((b) => b.timeMs),
    ...t.reinviteAnswers.filter((a) => !a.ok).map((a) => a.timeMs),
    ...(t.failed ? [t.failed.timeMs] : []),
  ].filter(before);
  return cuts.length ? Math.min(...cuts) : undefined;
}

const ms = (x: number): string => `${Math.round(x)} ms`;

/** media-resumes: two-way media within ctx.bounds.mediaResumeMs after the fault, for every call a fault struck. */
export const mediaResumes: Check = (history, ctx) => {
  const name = 'media-resumes';
  const boundMs = ctx.bounds.mediaResumeMs;
  const { faults } = runTimeline(history);
  const calls = callsAtRisk(
    callTimelines(history),
    faults.map((f) => f.startMs),
  );
  if (calls.length === 0) {
    return { name, valid: 'unknown', details: 'no call was answered and still up when a fault struck' };
  }
  const at = timeLabel(history);
  const results = calls.map((c) => callResumption(c.call, c.faultMs, boundMs, at));
  const perCall: CallVerdict[] = results.map((c) => ({
    callId: c.callId,
    valid: c.valid,
    message: c.directions.map((d) => d.reason).join('; '),
    data: { ...c },
  }));
  const n = countVerdicts(perCall);
  const valid = mergeValidity(...perCall.map((c) => c.valid));
  const worst = Math.max(0, ...results.flatMap((c) => c.directions.map((d) => d.worstGapMs)));
  const details =
    `${n.ok} of ${calls.length} calls up at a fault resumed two-way media within ${ms(boundMs)}` +
    (n.bad ? `; ${n.bad} did not` : '') +
    (n.unknown ? `; ${n.unknown} undecidable` : '') +
    `; longest gap ${ms(worst)}`;
  return { name, valid, details, perCall, data: { boundMs, worstGapMs: worst } };
};
