// Call timelines: each call's SIP and media events folded into one record, shared by checks and reports.
import type { HistoryEvent } from '../common/event.js';
import { type CallSide, EventKind, type MediaDirection } from '../common/event-kinds.js';
import type { HistoryView } from './check.js';
import { fields } from './fields.js';

export const DIRECTIONS: readonly MediaDirection[] = ['to-caller', 'to-callee'];

/** One silence in one direction: startMs = last packet before, endMs = first packet after. */
export interface MediaGap {
  startMs: number;
  endMs: number;
  durationMs: number;
  lostPackets?: number;
  /** Part of the gap during which the harness itself was stalled. */
  localStallMs: number;
  /** Still silent when the stream stopped: endMs is the stop, not a first packet. */
  open?: boolean;
}

/** What was seen of one direction of a call's media. */
export interface DirectionMedia {
  startedMs?: number;
  gaps: MediaGap[];
  /** Latest media.stats: packets received and time of the last one. */
  lastPacketMs?: number;
  received?: number;
  statsMs?: number;
  sourceChanges: { timeMs: number; from?: string; to?: string }[];
}

/** One SIP oddity worth reporting (from sip.finding or a re-INVITE's findings). */
export interface SipFinding {
  timeMs: number;
  side?: string;
  finding: string;
  detail?: string;
}

/** Everything the history says about one call. */
export interface CallTimeline {
  callId: string;
  inviteMs?: number;
  /** echo or conference (media only toward the caller) or bridge (both directions), from call.invite. */
  mode?: string;
  /** Conference members: the room (call.invite room); members of one room hear each other. */
  room?: string;
  answeredMs?: number;
  node?: string;
  /** The caller's SIP Call-ID (call.invite / call.answered callId). */
  sipCallId?: string;
  /** SIP Call-IDs of the call's FreeSWITCH legs, as named in call.answered legCallIds. */
  legCallIds: string[];
  failed?: { timeMs: number; status?: number; reason?: string };
  reinvites: { timeMs: number; side?: CallSide; source?: string }[];
  reinviteAnswers: { timeMs: number; side?: CallSide; ok: boolean; status?: number }[];
  byes: { timeMs: number; side?: CallSide; by?: string; source?: string }[];
  /** When the scenario began hanging the call up. */
  hangupMs?: number;
  media: Record<MediaDirection, DirectionMedia>;
  crossed: { timeMs: number; direction?: string; fromCall?: string }[];
  doubled: { timeMs: number; direction?: string; sources: string[] }[];
  findings: SipFinding[];
  /** Time of the call's last event. */
  lastEventMs: number;
}

const CALL_KINDS = /^(call|media|sip)\./;

/** The media directions a call carries: echo calls and conference members have none toward a callee. */
export function expectedDirections(t: CallTimeline): readonly MediaDirection[] {
  return t.mode === 'echo' || t.mode === 'conference' ? ['to-caller'] : DIRECTIONS;
}

/** The leg Call-IDs a call's recovery rows should carry: the named legs, else the caller's Call-ID. */
export function expectedLegs(t: CallTimeline): string[] {
  return t.legCallIds.length ? t.legCallIds : [t.sipCallId ?? t.callId];
}

/** Folds the history into one timeline per call, in order of first appearance. */
export function callTimelines(history: HistoryView): CallTimeline[] {
  const byCall = new Map<string, CallTimeline>();
  for (const e of history) {
    if (!CALL_KINDS.test(e.kind)) continue;
    let t = byCall.get(e.process);
    if (!t) {
      t = emptyTimeline(e.process, e.timeMs);
      byCall.set(e.process, t);
    }
    fold(t, e);
  }
  return [...byCall.values()];
}

function emptyTimeline(callId: string, timeMs: number): CallTimeline {
  const dir = (): DirectionMedia => ({ gaps: [], sourceChanges: [] });
  return {
    callId,
    legCallIds: [],
    reinvites: [],
    reinviteAnswers: [],
    byes: [],
    media: { 'to-caller': dir(), 'to-callee': dir() },
    crossed: [],
    doubled: [],
    findings: [],
    lastEventMs: timeMs,
  };
}

function direction(t: CallTimeline, v: unknown): DirectionMedia | undefined {
  const d = fields.str(v, 'direction');
  return d === 'to-caller' || d === 'to-callee' ? t.media[d] : undefined;
}

function addLeg(t: CallTimeline, id: string | undefined): void {
  if (id && !t.legCallIds.includes(id)) t.legCallIds.push(id);
}

function fold(t: CallTimeline, e: HistoryEvent): void {
  const v = e.value;
  const at = e.timeMs;
  t.lastEventMs = Math.max(t.lastEventMs, at);
  const side = fields.str(v, 'side') as CallSide | undefined;
  switch (e.kind) {
    case EventKind.callInvite:
      t.inviteMs ??= at;
      t.sipCallId ??= fields.str(v, 'callId');
      t.mode ??= fields.str(v, 'mode');
      t.room ??= fields.str(v, 'room');
      break;
    case EventKind.callAnswered:
      if (e.type !== 'ok') break;
      t.answeredMs ??= at;
      t.node = fields.str(v, 'node') ?? t.node;
      t.sipCallId ??= fields.str(v, 'callId');
      for (const id of fields.strs(v, 'legCallIds')) addLeg(t, id);
      break;
    case EventKind.callFailed:
      t.failed ??= { timeMs: at, status: fields.num(v, 'status'), reason: fields.str(v, 'reason') };
      break;
    case EventKind.callReinvite:
      t.reinvites.push({ timeMs: at, side, source: fields.str(v, 'source') });
      for (const f of fields.arr(v, 'findings')) {
        const finding = typeof f === 'string' ? f : (fields.str(f, 'finding') ?? JSON.stringify(f));
        t.findings.push({ timeMs: at, side, finding, detail: fields.str(f, 'detail') });
      }
      break;
    case EventKind.callReinviteAnswered: {
      const status = fields.num(v, 'status');
      const ok = e.type === 'ok' && (status === undefined || status < 300);
      t.reinviteAnswers.push({ timeMs: at, side, ok, status });
      break;
    }
    case EventKind.callBye:
      t.byes.push({ timeMs: at, side, by: fields.str(v, 'by'), source: fields.str(v, 'source') });
      break;
    case EventKind.callHangup:
      t.hangupMs ??= at;
      break;
    case EventKind.sipFinding:
      t.findings.push({
        timeMs: at,
        side,
        finding: fields.str(v, 'finding') ?? 'finding',
        detail: fields.str(v, 'detail'),
      });
      break;
    case EventKind.mediaStarted: {
      const d = direction(t, v);
      if (d) d.startedMs ??= at;
      break;
    }
    case EventKind.mediaGap: {
      const d = direction(t, v);
      const startMs = fields.num(v, 'startMs');
      const endMs = fields.num(v, 'endMs');
      if (!d || startMs === undefined || endMs === undefined) break;
      d.gaps.push({
        startMs,
        endMs,
        durationMs: fields.num(v, 'durationMs') ?? endMs - startMs,
        lostPackets: fields.num(v, 'lostPackets'),
        localStallMs: fields.num(v, 'localStallMs') ?? 0,
        ...(fields.has(v, 'open') && (v as { open: unknown }).open === true ? { open: true } : {}),
      });
      break;
    }
    case EventKind.mediaStats: {
      const d = direction(t, v);
      if (!d) break;
      d.statsMs = at;
      d.lastPacketMs = fields.num(v, 'lastPacketMs') ?? d.lastPacketMs;
      d.received = fields.num(v, 'received') ?? d.received;
      if (d.startedMs === undefined && (d.received ?? 0) > 0) d.startedMs = fields.num(v, 'firstPacketMs');
      break;
    }
    case EventKind.mediaSourceChanged: {
      const d = direction(t, v);
      d?.sourceChanges.push({ timeMs: at, from: fields.str(v, 'from'), to: fields.str(v, 'to') });
      break;
    }
    case EventKind.mediaCrossed:
      t.crossed.push({
        timeMs: at,
        direction: fields.str(v, 'direction'),
        fromCall: fields.str(v, 'fromCall'),
      });
      break;
    case EventKind.mediaDoubled:
      t.doubled.push({
        timeMs: at,
        direction: fields.str(v, 'direction'),
        sources: sourcesOf(v),
      });
      break;
  }
}

/** Media sources as "ip:port#ssrc" (the media module writes {address, ssrc} objects). */
function sourcesOf(v: unknown): string[] {
  return fields.arr(v, 'sources').map((s) => {
    if (typeof s === 'string') return s;
    const address = fields.str(s, 'address') ?? '?';
    const ssrc = fields.num(s, 'ssrc') ?? fields.str(s, 'ssrc');
    return ssrc === undefined ? address : `${address}#${ssrc}`;
  });
}

/** When the call ended: scenario hangup, a BYE, or its failure; undefined while it was still up. */
export function callEndMs(t: CallTimeline): number | undefined {
  const ends = [t.hangupMs, t.failed?.timeMs, ...t.byes.map((b) => b.timeMs)].filter(
    (x): x is number => x !== undefined,
  );
  return ends.length ? Math.min(...ends) : undefined;
}
