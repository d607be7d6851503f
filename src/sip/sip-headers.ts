// SIP header fields: case-insensitive names, compact forms (RFC 3261 7.3.3), comma-separated multi-values (7.3.1).

/** Compact form letter -> canonical name (RFC 3261 7.3.3 and the registries that followed). */
const COMPACT: Readonly<Record<string, string>> = {
  i: 'Call-ID',
  m: 'Contact',
  e: 'Content-Encoding',
  l: 'Content-Length',
  c: 'Content-Type',
  f: 'From',
  s: 'Subject',
  k: 'Supported',
  t: 'To',
  v: 'Via',
  o: 'Event',
  r: 'Refer-To',
  b: 'Referred-By',
  x: 'Session-Expires',
  u: 'Allow-Events',
};

/** Canonical spelling for the names we print; unknown names keep the sender's spelling. */
const CANONICAL: Readonly<Record<string, string>> = Object.fromEntries(
  [
    'Via',
    'Route',
    'Record-Route',
    'From',
    'To',
    'Call-ID',
    'CSeq',
    'Contact',
    'Max-Forwards',
    'Content-Type',
    'Content-Length',
    'Content-Disposition',
    'Allow',
    'Supported',
    'User-Agent',
    'Server',
    'Expires',
    'WWW-Authenticate',
  ].map((n) => [n.toLowerCase(), n]),
);

/** Headers whose values may be combined with commas in one line (RFC 3261 7.3.1); others are single. */
const LIST_HEADERS = new Set(['via', 'route', 'record-route', 'contact', 'allow', 'supported', 'require']);

/** The canonical long name for a header name as received (compact letters expanded). */
export function canonicalHeaderName(name: string): string {
  const trimmed = name.trim();
  const lower = trimmed.toLowerCase();
  const long = COMPACT[lower];
  if (long) return long;
  return CANONICAL[lower] ?? trimmed;
}

/** Splits a header value at top-level commas (not inside quotes or <>). */
export function splitHeaderList(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\' && quoted) i++;
    else if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '<') depth++;
    else if (!quoted && ch === '>') depth = Math.max(0, depth - 1);
    else if (!quoted && depth === 0 && ch === ',') {
      parts.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(value.slice(start).trim());
  return parts.filter((p) => p.length > 0);
}

/** An ordered header list with case-insensitive access; each entry is one header line. */
export class SipHeaders {
  private readonly lines: Array<{ name: string; value: string }> = [];

  /** Builds headers from [name, value] pairs, in order. */
  static from(pairs: Iterable<readonly [string, string]>): SipHeaders {
    const h = new SipHeaders();
    for (const [n, v] of pairs) h.append(n, v);
    return h;
  }

  /** The first value of a header (for list headers: the first element), or undefined. */
  get(name: string): string | undefined {
    return this.getAll(name)[0];
  }

  /** Every value of a header, list headers split at commas, in order of appearance. */
  getAll(name: string): string[] {
    const key = canonicalHeaderName(name).toLowerCase();
    const out: string[] = [];
    for (const line of this.lines) {
      if (line.name.toLowerCase() !== key) continue;
      if (LIST_HEADERS.has(key)) out.push(...splitHeaderList(line.value));
      else out.push(line.value.trim());
    }
    return out;
  }

  has(name: string): boolean {
    const key = canonicalHeaderName(name).toLowerCase();
    return this.lines.some((l) => l.name.toLowerCase() === key);
  }

  /** Adds one header line at the end. */
  append(name: string, value: string): this {
    this.lines.push({ name: canonicalHeaderName(name), value: value.trim() });
    return this;
  }

  /** Adds one header line before all others (a proxy's or client's new top Via). */
  prepend(name: string, value: string): this {
    this.lines.unshift({ name: canonicalHeaderName(name), value: value.trim() });
    return this;
  }

  /** Replaces all lines of a header by one value (kept at the first line's position). */
  set(name: string, value: string): this {
    const key = canonicalHeaderName(name).toLowerCase();
    const at = this.lines.findIndex((l) => l.name.toLowerCase() === key);
    this.delete(name);
    const line = { name: canonicalHeaderName(name), value: value.trim() };
    if (at < 0 || at > this.lines.length) this.lines.push(line);
    else this.lines.splice(at, 0, line);
    return this;
  }

  /** Replaces all values of a list header by the given list, one line each. */
  setAll(name: string, values: readonly string[]): this {
    this.delete(name);
    for (const v of values) this.append(name, v);
    return this;
  }

  delete(name: string): this {
    const key = canonicalHeaderName(name).toLowerCase();
    for (let i = this.lines.length - 1; i >= 0; i--) {
      if (this.lines[i]?.name.toLowerCase() === key) this.lines.splice(i, 1);
    }
    return this;
  }

  /** Header lines as [name, value], in order. */
  entries(): Array<[string, string]> {
    return this.lines.map((l) => [l.name, l.value]);
  }

  clone(): SipHeaders {
    return SipHeaders.from(this.entries());
  }
}
