// The shape of one recorded event, shared by everything that reports into the history.

/** invoke: an action starts; ok/fail: it ended; info: outcome unknown or an observation. */
export type EventType = 'invoke' | 'ok' | 'fail' | 'info';

/** Who did or saw it: a call's id, the nemesis, the failover controller, the lab or the runner. */
export type EventProcess = string;

/** An event before the history numbers it. */
export interface EventDraft<V = unknown> {
  /** Monotonic ms (Clock.nowMs) when it happened. */
  timeMs: number;
  process: EventProcess;
  type: EventType;
  /** What happened, e.g. 'call.answered', 'fault.crash', 'media.gap'. */
  kind: string;
  value: V;
}

/** One numbered, timestamped entry of the append-only history. */
export interface HistoryEvent<V = unknown> extends EventDraft<V> {
  index: number;
  wallTime: string;
}

/** Anything that accepts event drafts (the history, a test collector). */
export type EventSink = (event: EventDraft) => void;
