// SIP messages as values: requests, responses, and the accessors every layer needs (RFC 3261 7, 8.2.6).
import { SipHeaders } from './sip-headers.js';
import { parseNameAddr, tagOf } from './sip-uri.js';
import { parseVia, type Via } from './via.js';

/** A SIP request. `body` is text (SDP); Content-Length is computed when serialized. */
export interface SipRequest {
  readonly kind: 'request';
  method: string;
  uri: string;
  headers: SipHeaders;
  body: string;
}

/** A SIP response. */
export interface SipResponse {
  readonly kind: 'response';
  status: number;
  reason: string;
  headers: SipHeaders;
  body: string;
}

export type SipMessage = SipRequest | SipResponse;

/** A parsed CSeq value. */
export interface CSeq {
  seq: number;
  method: string;
}

/** Standard reason phrases for the statuses the harness sends. */
export const REASON: Readonly<Record<number, string>> = {
  100: 'Trying',
  180: 'Ringing',
  200: 'OK',
  400: 'Bad Request',
  404: 'Not Found',
  408: 'Request Timeout',
  481: 'Call/Transaction Does Not Exist',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  491: 'Request Pending',
  500: 'Server Internal Error',
  503: 'Service Unavailable',
};

/** Builds a request from parts; headers may be a SipHeaders or [name, value] pairs. */
export function makeRequest(
  method: string,
  uri: string,
  headers: SipHeaders | Iterable<readonly [string, string]>,
  body = '',
): SipRequest {
  const h = headers instanceof SipHeaders ? headers : SipHeaders.from(headers);
  return { kind: 'request', method: method.toUpperCase(), uri, headers: h, body };
}

/**
 * Builds a response to a request (RFC 3261 8.2.6.2): Via, From, To, Call-ID, CSeq copied;
 * Record-Route copied on dialog-creating 2xx/1xx (12.1.1); a To tag added when given and absent.
 */
export function makeResponse(
  req: SipRequest,
  status: number,
  opts: {
    reason?: string;
    toTag?: string;
    headers?: Iterable<readonly [string, string]>;
    body?: string;
  } = {},
): SipResponse {
  const h = new SipHeaders();
  for (const v of req.headers.getAll('Via')) h.append('Via', v);
  if (status > 100 && status < 300)
    for (const v of req.headers.getAll('Record-Route')) h.append('Record-Route', v);
  h.append('From', req.headers.get('From') ?? '');
  let to = req.headers.get('To') ?? '';
  if (opts.toTag && status > 100 && !tagOf(to)) to = `${to};tag=${opts.toTag}`;
  h.append('To', to);
  h.append('Call-ID', req.headers.get('Call-ID') ?? '');
  h.append('CSeq', req.headers.get('CSeq') ?? '');
  for (const [n, v] of opts.headers ?? []) h.append(n, v);
  const reason = opts.reason ?? REASON[status] ?? 'Unknown';
  return { kind: 'response', status, reason, headers: h, body: opts.body ?? '' };
}

/** The parsed CSeq of a message, or undefined when missing/malformed. */
export function cseqOf(msg: SipMessage): CSeq | undefined {
  const m = /^\s*(\d+)\s+([A-Za-z]+)\s*$/.exec(msg.headers.get('CSeq') ?? '');
  if (!m?.[1] || !m[2]) return undefined;
  return { seq: Number(m[1]), method: m[2].toUpperCase() };
}

/** The parsed top Via, or undefined. */
export function topViaOf(msg: SipMessage): Via | undefined {
  const v = msg.headers.get('Via');
  return v ? parseVia(v) : undefined;
}

/** Call-ID (trimmed), '' when missing. */
export const callIdOf = (msg: SipMessage): string => msg.headers.get('Call-ID') ?? '';

/** From tag and To tag. */
export function tagsOf(msg: SipMessage): { fromTag?: string; toTag?: string } {
  const out: { fromTag?: string; toTag?: string } = {};
  const f = tagOf(msg.headers.get('From'));
  const t = tagOf(msg.headers.get('To'));
  if (f) out.fromTag = f;
  if (t) out.toTag = t;
  return out;
}

/** The Contact URI of a message, if any. */
export function contactUriOf(msg: SipMessage): string | undefined {
  const c = msg.headers.get('Contact');
  return c ? parseNameAddr(c)?.uri : undefined;
}

/** True when the message carries an SDP body. */
export function hasSdp(msg: SipMessage): boolean {
  const type = (msg.headers.get('Content-Type') ?? '').toLowerCase();
  return msg.body.trim().length > 0 && (type === '' || type.startsWith('application/sdp'));
}

/** A one-line summary for logs: `INVITE sip:x` or `200 OK`, with Call-ID and CSeq. */
export function describe(msg: SipMessage): string {
  const first = msg.kind === 'request' ? `${msg.method} ${msg.uri}` : `${msg.status} ${msg.reason}`;
  return `${first} [${callIdOf(msg)}] CSeq=${msg.headers.get('CSeq') ?? '?'}`;
}
