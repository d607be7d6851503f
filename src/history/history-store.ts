// The history store: history.jsonl, one event per line, appended as events happen.
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { ZerodropError } from '../common/errors.js';
import type { EventType, HistoryEvent } from '../common/event.js';
import type { History } from './history.js';

const TYPES: readonly EventType[] = ['invoke', 'ok', 'fail', 'info'];

/** Appends events to a jsonl file; each event is one synchronous write, so a crash loses at most a line. */
export class HistoryStore {
  #fd: number | undefined;
  #detach: (() => void) | undefined;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.#fd = fd;
  }

  /** Opens (creating or appending to) a history.jsonl file. */
  static open(path: string): HistoryStore {
    return new HistoryStore(path, openSync(path, 'a'));
  }

  /** Writes one event as one line. */
  write(event: HistoryEvent): void {
    if (this.#fd === undefined) throw new ZerodropError(`history store ${this.path} is closed`);
    writeSync(this.#fd, `${JSON.stringify(event)}\n`);
  }

  /** Writes what the history holds already, then every event appended later. */
  follow(history: History): this {
    for (const e of history.events) this.write(e);
    this.#detach = history.onAppend((e) => this.write(e));
    return this;
  }

  close(): void {
    this.#detach?.();
    this.#detach = undefined;
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/** What reading a stored history found. */
export interface StoredHistory {
  events: HistoryEvent[];
  /** A last line cut short by a crash while writing it (ignored, kept for the report). */
  truncatedTail?: string;
}

/** Parses history.jsonl text; a broken line in the middle is an error naming file and line. */
export function parseHistory(text: string, path = 'history.jsonl'): StoredHistory {
  const lines = text.split('\n');
  const events: HistoryEvent[] = [];
  let truncatedTail: string | undefined;
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const isLast = i === lines.length - 1; // no trailing newline: the write never finished
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (e) {
      if (isLast) {
        truncatedTail = line;
        continue;
      }
      throw new ZerodropError(`${path}:${i + 1}: not valid JSON`, { cause: e });
    }
    const problem = eventProblem(parsed, events.length);
    if (problem) throw new ZerodropError(`${path}:${i + 1}: ${problem}`);
    events.push(parsed as HistoryEvent);
  }
  return truncatedTail === undefined ? { events } : { events, truncatedTail };
}

/** Reads history.jsonl from disk. */
export function readHistory(path: string): StoredHistory {
  return parseHistory(readFileSync(path, 'utf8'), path);
}

function eventProblem(v: unknown, expectedIndex: number): string | undefined {
  if (typeof v !== 'object' || v === null) return 'event is not an object';
  const e = v as Record<string, unknown>;
  if (e.index !== expectedIndex) return `index is ${String(e.index)}, expected ${expectedIndex}`;
  if (typeof e.timeMs !== 'number') return 'timeMs is not a number';
  if (typeof e.wallTime !== 'string') return 'wallTime is not a string';
  if (typeof e.process !== 'string') return 'process is not a string';
  if (!TYPES.includes(e.type as EventType)) return `type ${String(e.type)} is not one of ${TYPES.join('|')}`;
  if (typeof e.kind !== 'string') return 'kind is not a string';
  return undefined;
}
