// Datagram -> SIP message (RFC 3261 7, 18.3): a bad datagram yields an error result, never a throw.
import { SipHeaders } from './sip-headers.js';
import type { SipMessage } from './sip-message.js';

/** The outcome of parsing one datagram. */
export type ParseResult = { ok: true; message: SipMessage } | { ok: false; error: string };

/** Headers every request and response must carry (RFC 3261 8.1.1). */
const MANDATORY = ['Via', 'From', 'To', 'Call-ID', 'CSeq'] as const;

/** Parses one UDP datagram into a request or response. */
export function parseSipMessage(data: Buffer | string): ParseResult {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let start = 0;
  // RFC 3261 7.5: ignore leading CRLFs (keep-alives)
  while (start < buf.length && (buf[start] === 0x0d || buf[start] === 0x0a)) start++;
  if (start >= buf.length) return { ok: false, error: 'empty datagram' };
  const { headEnd, bodyStart } = findHeadEnd(buf, start);
  const head = buf.subarray(start, headEnd).toString('utf8');
  const rawLines = head.split(/\r?\n/);
  const firstLine = rawLines.shift() ?? '';
  const headers = new SipHeaders();
  let lastName: string | undefined;
  const pending: Array<[string, string]> = [];
  for (const line of rawLines) {
    if (/^[ \t]/.test(line) && pending.length > 0) {
      // header folding (RFC 3261 7.3.1): a continuation line joins the previous one
      const last = pending[pending.length - 1];
      if (last) last[1] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0)
      return { ok: false, error: `malformed header line: ${JSON.stringify(line.slice(0, 80))}` };
    lastName = line.slice(0, colon).trim();
    if (!/^[A-Za-z0-9!%*_+`'~.-]+$/.test(lastName))
      return { ok: false, error: `bad header name ${lastName}` };
    pending.push([lastName, line.slice(colon + 1).trim()]);
  }
  for (const [n, v] of pending) headers.append(n, v);
  for (const name of MANDATORY) {
    if (!headers.has(name)) return { ok: false, error: `missing ${name} header` };
  }
  const body = bodyOf(buf, bodyStart, headers);
  if (typeof body !== 'string') return body;
  const req = /^([A-Za-z]+)\s+(\S+)\s+SIP\/2\.0\s*$/i.exec(firstLine);
  if (req?.[1] && req[2]) {
    return {
      ok: true,
      message: { kind: 'request', method: req[1].toUpperCase(), uri: req[2], headers, body },
    };
  }
  const res = /^SIP\/2\.0\s+(\d{3})\s*(.*)$/i.exec(firstLine);
  if (res?.[1]) {
    const status = Number(res[1]);
    if (status < 100 || status > 699) return { ok: false, error: `status out of range: ${status}` };
    return { ok: true, message: { kind: 'response', status, reason: (res[2] ?? '').trim(), headers, body } };
  }
  return { ok: false, error: `bad start line: ${JSON.stringify(firstLine.slice(0, 80))}` };
}

function findHeadEnd(buf: Buffer, from: number): { headEnd: number; bodyStart: number } {
  const crlf = buf.indexOf('\r\n\r\n', from);
  const lf = buf.indexOf('\n\n', from);
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { headEnd: crlf, bodyStart: crlf + 4 };
  if (lf >= 0) return { headEnd: lf, bodyStart: lf + 2 };
  return { headEnd: buf.length, bodyStart: buf.length };
}

/** RFC 3261 18.3: body length from Content-Length; longer than the datagram is an error, shorter truncates. */
function bodyOf(buf: Buffer, bodyStart: number, headers: SipHeaders): string | { ok: false; error: string } {
  const available = Math.max(0, buf.length - bodyStart);
  const cl = headers.get('Content-Length');
  if (cl === undefined) return buf.subarray(bodyStart).toString('utf8');
  if (!/^\d+$/.test(cl)) return { ok: false, error: `bad Content-Length ${cl}` };
  const length = Number(cl);
  if (length > available)
    return { ok: false, error: `Content-Length ${length} > ${available} bytes received` };
  return buf.subarray(bodyStart, bodyStart + length).toString('utf8');
}
