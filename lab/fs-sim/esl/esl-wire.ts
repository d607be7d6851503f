// The inbound event-socket wire format, as mod_event_socket.c writes it (FreeSWITCH 1.10).
// Pure encoders and a packet reader; node: built-ins only (bundled into fs-sim for Node 18).

/** One event as fs-sim publishes it: header values are plain text (encoding happens on the wire). */
export interface EslEvent {
  /** Event-Name, e.g. 'CUSTOM', 'CHANNEL_ANSWER', 'BACKGROUND_JOB'. */
  name: string;
  /** Event-Subclass of CUSTOM events, e.g. 'sofia::recovery_recovered'. */
  subclass?: string;
  /** Further headers in order (e.g. recovered_calls, Unique-ID). */
  headers?: Record<string, string>;
  /** Event body (BACKGROUND_JOB carries the command output here). */
  body?: string;
}

/** Event formats a listener may ask for with `event plain|json|xml`. */
export type EslEventFormat = 'plain' | 'json' | 'xml';

/** One command packet from a client: the command line, its headers and optional body. */
export interface EslPacket {
  command: string;
  headers: Record<string, string>;
  body: string;
}

// SWITCH_URL_UNSAFE in switch_utils.h; switch_url_encode also escapes bytes < ' ' and > '~',
// and leaves an existing %XX escape alone (double_encode false).
const URL_UNSAFE = new Set('\r\n #%&+:;<=>?@[\\]^`{|}"');
const HEX = /^[0-9A-F]{2}$/;

/** switch_url_encode: percent-encodes unsafe bytes of the UTF-8 value, keeps existing %XX escapes. */
export function urlEncode(value: string): string {
  const bytes = Buffer.from(value, 'utf8');
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const ch = String.fromCharCode(b);
    const keepsEscape =
      ch === '%' && i + 2 < bytes.length && HEX.test(String.fromCharCode(bytes[i + 1]!, bytes[i + 2]!));
    if (!keepsEscape && (b < 0x20 || b > 0x7e || URL_UNSAFE.has(ch))) {
      out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    } else {
      out += ch;
    }
  }
  return out;
}

/** A `Content-Type: command/reply` packet; extra headers follow Reply-Text (bgapi's Job-UUID). */
export function commandReply(replyText: string, extra: Record<string, string> = {}): string {
  let text = `Content-Type: command/reply\nReply-Text: ${replyText}\n`;
  for (const [k, v] of Object.entries(extra)) text += `${k}: ${v}\n`;
  return `${text}\n`;
}

/** A `Content-Type: api/response` packet; an empty reply becomes `-ERR no reply` as in api_exec(). */
export function apiResponse(reply: string): string {
  const body = reply === '' ? '-ERR no reply\n' : reply;
  return `Content-Type: api/response\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`;
}

/** The greeting of an inbound connection. */
export const AUTH_REQUEST = 'Content-Type: auth/request\n\n';

/** The notice sent before the server closes a connection (send_disconnect()). */
export function disconnectNotice(
  message = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n',
): string {
  return `Content-Type: text/disconnect-notice\nContent-Length: ${Buffer.byteLength(message)}\n\n${message}`;
}

/** switch_event_serialize(encode=TRUE): `Name: urlencoded` lines, then Content-Length + body or a blank line. */
export function serializePlain(headers: ReadonlyArray<readonly [string, string]>, body?: string): string {
  let text = '';
  for (const [name, value] of headers) {
    const encoded = urlEncode(value);
    text += `${name}: ${encoded === '' ? '_undef_' : encoded}\n`;
  }
  if (body !== undefined && body !== '')
    return `${text}Content-Length: ${Buffer.byteLength(body)}\n\n${body}`;
  return `${text}\n`;
}

/** switch_event_serialize_json: one flat object, the body under `_body` with its Content-Length. */
export function serializeJson(headers: ReadonlyArray<readonly [string, string]>, body?: string): string {
  const obj: Record<string, string> = {};
  for (const [name, value] of headers) obj[name] = value;
  if (body !== undefined) {
    obj['Content-Length'] = String(Buffer.byteLength(body));
    obj._body = body;
  }
  return JSON.stringify(obj);
}

const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** switch_event_xmlize: `<event><headers>…</headers><body>…</body></event>`, values URL-encoded. */
export function serializeXml(headers: ReadonlyArray<readonly [string, string]>, body?: string): string {
  const hs = headers.map(([n, v]) => `<${n}>${xmlEscape(urlEncode(v))}</${n}>`).join('');
  const b = body ? `<body>${xmlEscape(body)}</body>` : '';
  return `<event>\n  <headers>${hs}</headers>${b}</event>`;
}

/** The framed event packet: `Content-Length` + `Content-Type: text/event-FORMAT`, then the serialized event. */
export function eventPacket(
  format: EslEventFormat,
  headers: ReadonlyArray<readonly [string, string]>,
  body?: string,
): string {
  const payload =
    format === 'plain'
      ? serializePlain(headers, body)
      : format === 'json'
        ? serializeJson(headers, body)
        : serializeXml(headers, body);
  return `Content-Length: ${Buffer.byteLength(payload)}\nContent-Type: text/event-${format}\n\n${payload}`;
}
