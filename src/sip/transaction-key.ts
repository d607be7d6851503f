// Transaction identity (RFC 3261 17.1.3, 17.2.3) and the next hop of a request (8.1.2).
import { ZerodropError } from '../common/errors.js';
import { callIdOf, cseqOf, describe, type SipMessage, type SipRequest, topViaOf } from './sip-message.js';
import { parseSipUri, uriOf } from './sip-uri.js';
import type { Address } from './transport.js';
import { BRANCH_MAGIC_COOKIE } from './via.js';

/** Client transaction key: top Via branch + CSeq method (RFC 3261 17.1.3). */
export function clientKey(msg: SipMessage): string {
  const branch = topViaOf(msg)?.params.get('branch') ?? '';
  return `${branch}|${cseqOf(msg)?.method ?? ''}`;
}

/** Server transaction key: branch + sent-by + method, ACK folded into INVITE (RFC 3261 17.2.3). */
export function serverKey(
  branch: string,
  host: string,
  port: number | undefined,
  req: SipRequest,
  method: string,
): string {
  const m = method === 'ACK' ? 'INVITE' : method;
  // RFC 2543 peers: fall back to the dialog and CSeq identity (17.2.3 last paragraph, simplified)
  const b = branch.startsWith(BRANCH_MAGIC_COOKIE)
    ? branch
    : `${callIdOf(req)}|${cseqOf(req)?.seq ?? ''}|${branch}`;
  return `${b}|${host}:${port ?? 5060}|${m}`;
}

/** True when req has this Call-ID|CSeq identity (a retransmission, not a new request). */
export function sameIdentity(req: SipRequest, identity: string): boolean {
  return `${callIdOf(req)}|${cseqOf(req)?.seq ?? ''}` === identity;
}

/** The next hop for a request (RFC 3261 8.1.2): the first Route if loose, else the Request-URI. */
export function nextHop(req: SipRequest): Address {
  const route = uriOf(req.headers.get('Route'));
  const uri = route ?? parseSipUri(req.uri);
  if (!uri) throw new ZerodropError(`no routable URI in ${describe(req)}`);
  return { address: uri.params.get('maddr') || uri.host, port: uri.port ?? 5060 };
}

/** Remembers which request identity used a branch last, to notice branch reuse long after (RFC 3261 8.1.1.7). */
export class BranchMemory {
  private readonly seen = new Map<string, string>();

  constructor(private readonly capacity = 20_000) {}

  /** Records key -> identity; returns the previous identity when it differs (a reused branch). */
  note(key: string, identity: string): string | undefined {
    const previous = this.seen.get(key);
    this.seen.delete(key);
    this.seen.set(key, identity);
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return previous !== undefined && previous !== identity ? previous : undefined;
  }
}
