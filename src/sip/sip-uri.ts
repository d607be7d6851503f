// SIP URIs and name-addr values (RFC 3261 19.1, 20.10): just enough grammar to route and match.

/** A parsed sip: URI; params keep their order, a flag param maps to ''. */
export interface SipUri {
  scheme: string;
  user?: string;
  host: string;
  port?: number;
  params: Map<string, string>;
}

/** A name-addr or addr-spec with header params (From, To, Contact, Route, Record-Route). */
export interface NameAddr {
  display?: string;
  uri: string;
  params: Map<string, string>;
}

/** Parses `;a=b;c` into a map (names lower-cased). */
export function parseParams(text: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of text.split(';')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq < 0) params.set(p.toLowerCase(), '');
    else params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim());
  }
  return params;
}

/** Formats a param map back to `;a=b;c`. */
export function formatParams(params: ReadonlyMap<string, string>): string {
  let out = '';
  for (const [k, v] of params) out += v === '' ? `;${k}` : `;${k}=${v}`;
  return out;
}

/** Parses a sip/sips URI; returns undefined when it is not one. */
export function parseSipUri(text: string): SipUri | undefined {
  const m = /^(sips?):(?:([^@;?]+)@)?(\[[^\]]+\]|[^:;?]+)(?::(\d+))?([^?]*)/i.exec(text.trim());
  if (!m?.[1] || !m[3]) return undefined;
  const uri: SipUri = { scheme: m[1].toLowerCase(), host: m[3], params: parseParams(m[5] ?? '') };
  if (m[2]) uri.user = m[2];
  if (m[4]) uri.port = Number(m[4]);
  return uri;
}

/** Formats a SipUri. */
export function formatSipUri(uri: SipUri): string {
  const user = uri.user ? `${uri.user}@` : '';
  const port = uri.port ? `:${uri.port}` : '';
  return `${uri.scheme}:${user}${uri.host}${port}${formatParams(uri.params)}`;
}

/** Parses `"Name" <uri>;tag=x` or `uri;tag=x`; undefined when malformed. */
export function parseNameAddr(text: string): NameAddr | undefined {
  const t = text.trim();
  const lt = t.indexOf('<');
  if (lt >= 0) {
    const gt = t.indexOf('>', lt);
    if (gt < 0) return undefined;
    const display = t
      .slice(0, lt)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    const na: NameAddr = { uri: t.slice(lt + 1, gt).trim(), params: parseParams(t.slice(gt + 1)) };
    if (display) na.display = display;
    return na;
  }
  // addr-spec form: params after the URI belong to the header, not the URI (RFC 3261 20.10)
  const semi = t.indexOf(';');
  const uri = semi < 0 ? t : t.slice(0, semi);
  if (!uri.includes(':')) return undefined;
  return { uri, params: parseParams(semi < 0 ? '' : t.slice(semi)) };
}

/** Formats a NameAddr, always with angle brackets. */
export function formatNameAddr(na: NameAddr): string {
  const display = na.display ? `"${na.display}" ` : '';
  return `${display}<${na.uri}>${formatParams(na.params)}`;
}

/** The tag param of a From/To value, if any. */
export function tagOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const tag = parseNameAddr(value)?.params.get('tag');
  return tag || undefined;
}

/** The URI inside a Contact/Route value, parsed. */
export function uriOf(value: string | undefined): SipUri | undefined {
  if (!value) return undefined;
  const na = parseNameAddr(value);
  return na ? parseSipUri(na.uri) : undefined;
}
