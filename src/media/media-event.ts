// Worker observations as history events: clock conversion, call names, stall union, source parts.
import type { EventDraft } from '../common/event.js';
import { EventKind, type MediaDirection } from '../common/event-kinds.js';
import type { ReceiverObservation } from './stream-receiver.js';

/** What turning an observation into an event needs to know about its stream and the engine. */
export interface MediaEventContext {
  /** The call the receiving stream belongs to (the event's process). */
  callId: string;
  direction: MediaDirection;
  /** Worker monotonic ms -> Clock ms. */
  toClockMs: (workerMs: number) => number;
  /** Call-ID of a call key, if the engine knows it. */
  callIdOf: (callKey: number) => string | undefined;
  /** Stall of the other threads overlapping [startMs, endMs) (worker ms); the worker only knows its own. */
  otherStallMs: (startMs: number, endMs: number) => number;
  ptimeMs: number;
}

/** "ip:port#ssrc" -> its parts. */
export function splitSource(key: string): { address: string; ssrc: number } {
  const hash = key.lastIndexOf('#');
  return hash < 0
    ? { address: key, ssrc: Number.NaN }
    : { address: key.slice(0, hash), ssrc: Number(key.slice(hash + 1)) };
}

/** The EventDraft for one observation of a receiving stream. */
export function mediaEvent(o: ReceiverObservation, ctx: MediaEventContext): EventDraft {
  const { direction } = ctx;
  const draft = (kind: string, value: Record<string, unknown>): EventDraft => ({
    timeMs: ctx.toClockMs(o.atMs),
    process: ctx.callId,
    type: 'info',
    kind,
    value: { direction, ...value },
  });
  switch (o.kind) {
    case 'started':
      return draft(EventKind.mediaStarted, { source: o.source, ssrc: o.ssrc });
    case 'gap':
      return draft(EventKind.mediaGap, {
        startMs: ctx.toClockMs(o.startMs),
        endMs: ctx.toClockMs(o.endMs),
        durationMs: o.durationMs,
        lostPackets: o.lostPackets,
        sentSpanMs: o.sentSpanMs,
        localStallMs: Math.max(o.localStallMs, ctx.otherStallMs(o.startMs - ctx.ptimeMs, o.endMs)),
        ...(o.open ? { open: true } : {}),
      });
    case 'crossed':
      return draft(EventKind.mediaCrossed, {
        fromCall: ctx.callIdOf(o.fromCallKey) ?? `callKey:${o.fromCallKey}`,
        fromCallKey: o.fromCallKey,
        fromSide: o.fromSide,
        source: o.source,
      });
    case 'doubled':
      return draft(EventKind.mediaDoubled, { sources: o.sources.map(splitSource) });
    case 'source-changed': {
      const from = splitSource(o.from);
      const to = splitSource(o.to);
      return draft(EventKind.mediaSourceChanged, {
        from: from.address,
        to: to.address,
        fromSsrc: from.ssrc,
        toSsrc: to.ssrc,
        // A hand-over with no silence is not doubling, but a checker may want to know how close it was.
        silenceMs: o.silenceMs,
      });
    }
  }
}
