// What the transport layer checks and stamps on every received request (RFC 3261 18.2.1, 17.2.3), as a pure step.
import { type SipFinding, SipFindingKind } from './sip-finding.js';
import { type CSeq, callIdOf, cseqOf, describe, type SipRequest, topViaOf } from './sip-message.js';
import { serverKey } from './transaction-key.js';
import { type Address, formatAddress } from './transport.js';
import { BRANCH_MAGIC_COOKIE, formatVia, stampReceived, type Via } from './via.js';

/** A request ready for transaction matching, or why it cannot be. */
export type InspectedRequest =
  | { ok: false; error: string }
  | {
      ok: true;
      via: Via;
      cseq: CSeq;
      /** Server transaction key (branch + sent-by + method, ACK as INVITE). */
      key: string;
      /** Call-ID|CSeq number: tells a retransmission from a new request on a reused branch. */
      identity: string;
      findings: SipFinding[];
    };

/**
 * Checks Via and CSeq, stamps received/rport on the top Via only (lower Vias must survive so responses
 * retrace a proxy path), and notes what is odd about the request.
 */
export function inspectRequest(req: SipRequest, source: Address): InspectedRequest {
  const via = topViaOf(req);
  const cseq = cseqOf(req);
  if (!via || !cseq) return { ok: false, error: `bad Via/CSeq in ${describe(req)}` };
  const callId = callIdOf(req);
  const findings: SipFinding[] = [];
  if (via.host !== source.address) {
    findings.push({
      finding: SipFindingKind.viaNotSource,
      detail: `Via ${via.host}:${via.port ?? 5060} from ${formatAddress(source)} (${req.method})`,
      callId,
      source,
    });
  }
  const [, ...lowerVias] = req.headers.getAll('Via');
  req.headers.setAll('Via', [formatVia(stampReceived(via, source)), ...lowerVias]);
  const branch = via.params.get('branch') ?? '';
  if (!branch.startsWith(BRANCH_MAGIC_COOKIE)) {
    findings.push({
      finding: SipFindingKind.noMagicCookie,
      detail: `branch '${branch}' in ${req.method}`,
      callId,
      source,
    });
  }
  const key = serverKey(branch, via.host, via.port, req, cseq.method);
  return { ok: true, via, cseq, key, identity: `${callId}|${cseq.seq}`, findings };
}
