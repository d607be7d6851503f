// What one ESL connection asked to receive: `event`, `nixevent`, `noevents`, `filter`, as mod_event_socket.c
// keeps them per listener (event_list, event_hash of CUSTOM subclasses, filters), and the matching rule of
// its event_handler().
import type { EslEvent, EslEventFormat } from './esl-wire.js';

const EVENT_NAME = /^[A-Z_]+$/;

/** One connection's subscription; each command returns FreeSWITCH's reply text. */
export class EventSubscription {
  format: EslEventFormat = 'plain';
  private all = false;
  private readonly names = new Set<string>();
  private readonly subclasses = new Set<string>();
  private filters: Array<[string, string]> = [];

  /** `event [plain|json|xml] NAME… [CUSTOM sub…]`: cumulative; words after CUSTOM are subclasses. */
  subscribe(words: readonly string[]): string {
    let keys = 0;
    let custom = false;
    for (const [i, w] of words.entries()) {
      const lw = w.toLowerCase();
      if (i === 0 && (lw === 'plain' || lw === 'json' || lw === 'xml')) {
        this.format = lw;
        continue;
      }
      if (custom) {
        this.subclasses.add(w);
        continue;
      }
      if (!EVENT_NAME.test(w)) continue;
      keys++;
      if (w === 'ALL') this.all = true;
      else this.names.add(w);
      if (w === 'CUSTOM') custom = true;
    }
    return keys === 0 ? '-ERR no keywords supplied' : `+OK event listener enabled ${this.format}`;
  }

  /** `nixevent NAME… [CUSTOM sub…]`. */
  unsubscribe(words: readonly string[]): string {
    let keys = 0;
    let custom = false;
    for (const w of words) {
      if (custom) {
        this.subclasses.delete(w);
        continue;
      }
      if (!EVENT_NAME.test(w)) continue;
      keys++;
      if (w === 'ALL') {
        this.all = false;
        this.names.clear();
      } else this.names.delete(w);
      if (w === 'CUSTOM') custom = true;
    }
    return keys === 0 ? '-ERR no keywords supplied' : '+OK events nixed';
  }

  /** `noevents`. */
  clear(): string {
    const had = this.all || this.names.size > 0 || this.subclasses.size > 0;
    this.all = false;
    this.names.clear();
    this.subclasses.clear();
    return had ? '+OK no longer listening for events' : '-ERR not listening for events';
  }

  /** `filter Header value` adds an allow filter, `filter delete Header [value]` removes. */
  filter(words: readonly string[]): string {
    if ((words[0] ?? '').toLowerCase() === 'delete') {
      const [, name = '', value] = words;
      this.filters = this.filters.filter(([n, v]) => !(n === name && (value === undefined || v === value)));
      return `+OK filter deleted. [${name}][${value ?? ''}]`;
    }
    const [name, ...rest] = words;
    if (!name || rest.length === 0) return '-ERR invalid syntax';
    this.filters.push([name, rest.join(' ')]);
    return `+OK filter added. [${name}]=[${rest.join(' ')}]`;
  }

  /** event_handler(): ALL, or the event's name (for CUSTOM, a subscribed subclass); then the allow filters. */
  wants(event: EslEvent, headers: ReadonlyArray<readonly [string, string]>): boolean {
    const named =
      this.all ||
      (this.names.has(event.name) &&
        (event.name !== 'CUSTOM' || event.subclass === undefined || this.subclasses.has(event.subclass)));
    if (!named) return false;
    if (this.filters.length === 0) return true;
    return this.filters.some(([name, value]) => {
      const v = headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
      if (v === undefined) return false;
      if (value.startsWith('/') && value.endsWith('/')) return new RegExp(value.slice(1, -1)).test(v);
      return v.toLowerCase() === value.toLowerCase();
    });
  }
}
