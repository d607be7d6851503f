// The history: an append-only, numbered log of every event of a run (Jepsen's history).
import type { Clock } from '../common/clock.js';
import { ZerodropError } from '../common/errors.js';
import type { EventDraft, EventProcess, EventSink, EventType, HistoryEvent } from '../common/event.js';

/** A read-only view of recorded events, in the order they were appended. */
export type HistoryView = readonly HistoryEvent[];

/** Called with each event right after it is appended (e.g. the jsonl store). */
export type HistoryListener = (event: HistoryEvent) => void;

/** The append-only log; numbers events and stamps wall time from the injected Clock. */
export class History {
  readonly #events: HistoryEvent[] = [];
  readonly #listeners: HistoryListener[] = [];
  // the frozen view handed out by `events`, rebuilt only after an append
  #view: HistoryView | undefined;

  constructor(private readonly clock: Clock) {}

  /** Rebuilds a history from stored events (indices must be 0..n-1 in order). */
  static from(events: readonly HistoryEvent[], clock: Clock): History {
    const h = new History(clock);
    for (const [i, e] of events.entries()) {
      if (e.index !== i)
        throw new ZerodropError(`history event #${i} carries index ${e.index}; expected ${i}`);
      h.#events.push(Object.freeze({ ...e }));
    }
    return h;
  }

  /** Appends a draft; returns it numbered and stamped. Listeners run synchronously. */
  append<V>(draft: EventDraft<V>): HistoryEvent<V> {
    if (!Number.isFinite(draft.timeMs)) {
      throw new ZerodropError(`history event ${draft.kind} from ${draft.process}: timeMs is not a number`);
    }
    // wall time of the moment the event happened, not of when it reached us
    const wallMs = Date.parse(this.clock.wallTime()) + (draft.timeMs - this.clock.nowMs());
    const event: HistoryEvent<V> = Object.freeze({
      index: this.#events.length,
      timeMs: draft.timeMs,
      wallTime: new Date(wallMs).toISOString(),
      process: draft.process,
      type: draft.type,
      kind: draft.kind,
      value: draft.value,
    });
    this.#events.push(event);
    this.#view = undefined;
    for (const l of this.#listeners) l(event);
    return event;
  }

  /** Records an event happening now. */
  record<V>(process: EventProcess, type: EventType, kind: string, value: V): HistoryEvent<V> {
    return this.append({ timeMs: this.clock.nowMs(), process, type, kind, value });
  }

  /** An EventSink bound to this history, for components that only report. */
  get sink(): EventSink {
    return (draft) => {
      this.append(draft);
    };
  }

  /** Registers a listener; returns a function that removes it. */
  onAppend(listener: HistoryListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  /** Every event so far (a frozen copy: later appends do not show up in it). */
  get events(): HistoryView {
    this.#view ??= Object.freeze(this.#events.slice());
    return this.#view;
  }

  get size(): number {
    return this.#events.length;
  }

  /** Events of one process (a call id, 'nemesis', 'controller', …). */
  byProcess(process: EventProcess): HistoryView {
    return this.#events.filter((e) => e.process === process);
  }

  /** Events of one kind, or of a kind family when given a prefix ending in '.' (e.g. 'controller.'). */
  byKind(kind: string): HistoryView {
    return this.#events.filter((e) => (kind.endsWith('.') ? e.kind.startsWith(kind) : e.kind === kind));
  }

  /** Events matching an arbitrary predicate. */
  filter(predicate: (e: HistoryEvent) => boolean): HistoryView {
    return this.#events.filter(predicate);
  }
}
