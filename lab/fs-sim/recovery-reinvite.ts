// The in-dialog re-INVITE FreeSWITCH sends for a recovered leg (sofia_recover_callback + sofia_glue_do_invite).
import type { Address } from '../../src/sip/transport.js';
import { formatVia, parseVia } from '../../src/sip/via.js';
import type { StoredLeg } from './recovery-row.js';
import { parseNameAddr, parseSipUri, splitHeaderListSafe } from './sip-text.js';

/** This node's side of the re-INVITE. */
export interface ReinviteOrigin {
  sipIp: string;
  sipPort: number;
  /** The host's primary IP: FreeSWITCH puts it in o= whatever the media IP. */
  hostIp: string;
  userAgent: string;
}

/** Per-request values the caller chooses (fresh each time). */
export interface ReinviteParams {
  cseq: number;
  branch: string;
  sdpSessionId: number;
}

/** A request ready for the wire. */
export interface OutgoingRequest {
  method: string;
  requestUri: string;
  headers: Array<[string, string]>;
  body: string;
  /** Where the datagram goes: the first Route's address, else the Request-URI's. */
  destination: Address;
}

/** FreeSWITCH's recovery SDP: stored local media address, payloads 0 101 13 with the rate-0 quirks. */
export function recoverySdp(leg: StoredLeg, hostIp: string, sessionId: number): string {
  return [
    'v=0',
    `o=FreeSWITCH ${sessionId} ${sessionId + 2} IN IP4 ${hostIp}`,
    's=FreeSWITCH',
    `c=IN IP4 ${leg.localMediaIp}`,
    't=0 0',
    `m=audio ${leg.localMediaPort} RTP/AVP 0 101 13`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/0',
    'a=fmtp:101 0-15',
    'a=rtpmap:13 CN/0',
    'a=ptime:20',
    '',
  ].join('\r\n');
}

/** sofia's Via sent-by: port omitted when it is 5060. */
export const localVia = (o: ReinviteOrigin, branch: string): string =>
  `SIP/2.0/UDP ${o.sipIp}${o.sipPort === 5060 ? '' : `:${o.sipPort}`};rport;branch=${branch}`;

/** The stored Via of an outbound leg with a fresh branch (the fixtures show sofia keeps host and params). */
export function recoverVia(stored: string, branch: string): string {
  const first = splitHeaderListSafe(stored)[0] ?? stored;
  const via = parseVia(first);
  if (!via) return first;
  const params = new Map(via.params);
  params.set('branch', branch);
  return formatVia({ ...via, params });
}

/** Address a URI (or name-addr) designates; port 5060 by default. */
export function uriAddress(value: string): Address | undefined {
  const na = parseNameAddr(value);
  const uri = parseSipUri(na?.uri ?? value);
  if (!uri) return undefined;
  return { address: uri.host, port: uri.port ?? 5060 };
}

/** The route set FreeSWITCH uses: the stored Record-Route, else (inbound) a Route to the UA itself. */
export function recoveryRoute(leg: StoredLeg): string | undefined {
  const v = leg.vars;
  const rr = v.get('sip_invite_record_route');
  if (rr) return rr;
  if (leg.direction === 'outbound') return undefined;
  return `<sip:${v.get('sip_from_user') ?? ''}@${v.get('sip_network_ip')}:${v.get('sip_network_port')};transport=udp>`;
}

/** The host[:port] after '@' of a stored URI (sofia's rpid_domain). */
const domainOf = (uri: string | undefined): string => (uri ?? '').split('@').pop()?.split(';')[0] ?? '';

/** caller_id_name/number from the stored caller_profile (first occurrence). */
function callerId(leg: StoredLeg): { name: string; number: string } {
  const pick = (k: string) => new RegExp(`<${k}>([^<]*)</${k}>`).exec(leg.doc.tail)?.[1];
  const fallback = leg.vars.get('sip_from_user') ?? '';
  return { name: pick('caller_id_name') ?? fallback, number: pick('caller_id_number') ?? fallback };
}

/** Builds the recovery re-INVITE for one stored leg, field by field as FreeSWITCH 1.10.12 does. */
export function buildRecoveryReinvite(
  leg: StoredLeg,
  origin: ReinviteOrigin,
  p: ReinviteParams,
): OutgoingRequest {
  const v = leg.vars;
  const get = (k: string): string => v.get(k) ?? '';
  const inbound = leg.direction === 'inbound';
  const requestUri = inbound
    ? `sip:${get('sip_contact_uri')}`
    : (parseNameAddr(get('sip_recover_contact'))?.uri ?? `sip:${get('sip_req_uri')}`);
  const from = v.get('sip_handle_full_from') ?? (inbound ? get('sip_full_to') : get('sip_full_from'));
  const to = v.get('sip_handle_full_to') ?? (inbound ? get('sip_full_from') : get('sip_full_to'));
  const route = recoveryRoute(leg);
  const via = inbound ? localVia(origin, p.branch) : recoverVia(get('sip_recover_via'), p.branch);
  const body = recoverySdp(leg, origin.hostIp, p.sdpSessionId);
  const rpid = inbound
    ? (() => {
        const n = v.get('sip_to_user') ?? '';
        return `"${n}" <sip:${n}@${domainOf(v.get('sip_from_uri'))}>`;
      })()
    : (() => {
        const c = callerId(leg);
        return `"${c.name}" <sip:${c.number}@${domainOf(v.get('sip_from_uri'))}>`;
      })();
  const headers: Array<[string, string]> = [['Via', via]];
  const rr = v.get('sip_invite_record_route');
  if (route) headers.push(['Route', route]);
  if (rr) headers.push(['Record-Route', rr]);
  headers.push(
    ['Max-Forwards', v.get('max_forwards') ?? '70'],
    ['From', from],
    ['To', to],
    ['Call-ID', get('sip_call_id')],
    ['CSeq', `${p.cseq} INVITE`],
    ['Contact', `<sip:${get('sip_contact_user')}@${origin.sipIp}:${origin.sipPort}>`],
    ['User-Agent', origin.userAgent],
    ['Allow', 'INVITE, ACK, BYE, CANCEL, OPTIONS, MESSAGE, INFO, UPDATE, REGISTER, REFER, NOTIFY'],
    ['Supported', 'path, replaces'],
    ['Allow-Events', 'talk, hold, conference, refer'],
    ['Content-Type', 'application/sdp'],
    ['Content-Disposition', 'session'],
    ['Content-Length', String(Buffer.byteLength(body))],
    ['X-FS-Support', 'update_display,send_info'],
    ['Remote-Party-ID', `${rpid};party=calling;screen=yes;privacy=off`],
  );
  const firstRoute = route ? splitHeaderListSafe(route)[0] : undefined;
  const destination = uriAddress(firstRoute ?? requestUri) ?? { address: leg.remoteMediaIp, port: 5060 };
  return { method: 'INVITE', requestUri, headers, body, destination };
}
