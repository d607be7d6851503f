// Check: no call hears another call's audio (crossed) or two sources at once (doubled).
import { type CallTimeline, callTimelines } from './call-timelines.js';
import { type CallVerdict, type Check, mergeValidity, timeLabel } from './check.js';

/** no-crossed-media: media identity held for every call, every direction. */
export const noCrossedMedia: Check = (history) => {
  const name = 'no-crossed-media';
  const at = timeLabel(history);
  const calls = callTimelines(history).map(withoutRoomMates);
  const withMedia = calls.filter((t) =>
    Object.values(t.media).some(
      (m) => m.startedMs !== undefined || m.gaps.length > 0 || m.received !== undefined,
    ),
  );
  const offending = calls.filter((t) => t.crossed.length > 0 || t.doubled.length > 0);
  if (withMedia.length === 0 && offending.length === 0) {
    return {
      name,
      valid: 'unknown',
      details: 'no media was observed on any call, so identity could not be checked',
    };
  }
  const perCall: CallVerdict[] = [...new Set([...withMedia, ...offending])].map((t) => {
    const msgs = [
      ...t.crossed.map(
        (c) => `${c.direction ?? '?'} carried audio of ${c.fromCall ?? 'another call'} at ${at(c.timeMs)}`,
      ),
      ...t.doubled.map(
        (d) =>
          `${d.direction ?? '?'} had ${d.sources.length || 'several'} sources at once (${d.sources.join(', ')}) at ${at(d.timeMs)}`,
      ),
    ];
    return msgs.length
      ? { callId: t.callId, valid: false, message: msgs.join('; ') }
      : {
          callId: t.callId,
          valid: true,
          message: t.room
            ? `only its room ${t.room}, one source at a time`
            : 'only its own audio, one source at a time',
        };
  });
  const crossed = offending.filter((t) => t.crossed.length).length;
  const doubled = offending.filter((t) => t.doubled.length).length;
  return {
    name,
    valid: mergeValidity(...perCall.map((c) => c.valid)),
    details: offending.length
      ? `${crossed} call(s) with crossed media, ${doubled} with doubled media`
      : `no crossed or doubled media on ${withMedia.length} call(s)`,
    perCall,
  };
};

/** A conference member hears the other members of its room by design: only audio from outside the room is crossed. */
function withoutRoomMates(t: CallTimeline, _i: number, all: readonly CallTimeline[]): CallTimeline {
  if (t.room === undefined || t.crossed.length === 0) return t;
  const mates = new Set(all.filter((o) => o.room === t.room).flatMap((o) => [o.callId, o.sipCallId]));
  return { ...t, crossed: t.crossed.filter((c) => c.fromCall === undefined || !mates.has(c.fromCall)) };
}
