// Lab hosts as the history knows them: lab.up lists [name, ip] pairs, so SIP addresses map to node names.
import { EventKind } from '../common/event-kinds.js';
import type { HistoryView } from './check.js';
import { fields } from './fields.js';

/** Address → host name from every lab.up event (later ones win); {} when the history has none. */
export function labHostsByAddress(history: HistoryView): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of history) {
    if (e.kind !== EventKind.labUp || e.type === 'fail') continue;
    for (const pair of fields.arr(e.value, 'hosts')) {
      if (Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'string')
        out[pair[1]] = pair[0];
    }
  }
  return out;
}
