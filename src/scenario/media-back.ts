// When the await-recovery step may call a stream's media "back": only packets sent after the fault has taken
// effect count, or calls on the crashing node look resumed by the packets still in flight while it dies.
import type { EventDraft } from '../common/event.js';
import { EventKind } from '../common/event-kinds.js';
import type { MediaStreamStats } from '../media/media-stream.js';

/** Packets this long after the fault's end can no longer come from the node it struck (RTPEngine relays in
 * well under this). */
export const FAULT_SETTLE_MS = 200;

/** A stream counts as silent when nothing arrived for this long (5 packets at 20 ms). */
export const SILENT_AFTER_MS = 100;

/** The first fault's invoke time, and from when media counts as resumed; undefined before any fault. */
export function mediaBackWindow(
  events: readonly EventDraft[],
): { faultMs: number; countFromMs: number } | undefined {
  const invoke = events.find((e) => e.kind === EventKind.fault && e.type === 'invoke');
  if (!invoke) return undefined;
  const done = events.find(
    (e) => e.kind === EventKind.fault && e.type !== 'invoke' && e.timeMs >= invoke.timeMs,
  );
  return { faultMs: invoke.timeMs, countFromMs: (done ?? invoke).timeMs + FAULT_SETTLE_MS };
}

/** True when the stream has had a packet after countFromMs and is not silent now. */
export function streamBack(
  st: Pick<MediaStreamStats, 'lastPacketMs' | 'silentMs'>,
  countFromMs: number,
): boolean {
  return st.lastPacketMs !== undefined && st.lastPacketMs > countFromMs && st.silentMs < SILENT_AFTER_MS;
}
