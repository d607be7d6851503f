// What fs-sim puts in every SIP message it writes, as FreeSWITCH 1.10 (mod_sofia) does.
import { randomBytes } from 'node:crypto';

/** fs-sim names itself in User-Agent: nobody may mistake it for a real FreeSWITCH. */
export const USER_AGENT = 'fs-sim (emulating FreeSWITCH-mod_sofia/1.10.12)';

/** The header lines mod_sofia adds to its INVITEs and 200s, in its order. */
export const SOFIA_HEADERS: ReadonlyArray<[string, string]> = [
  ['User-Agent', USER_AGENT],
  ['Allow', 'INVITE, ACK, BYE, CANCEL, OPTIONS, MESSAGE, INFO, UPDATE, REGISTER, REFER, NOTIFY'],
  ['Supported', 'path, replaces'],
  ['Allow-Events', 'talk, hold, conference, refer'],
];

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789';

/** A sofia-style 13-character tag or branch suffix. */
export function sofiaToken(length = 13): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return out;
}

/** sofia's initial CSeq: grows with wall time (about 1 per 2 s), so a recovery CSeq is "new and large". */
export function timeCseq(nowMs = Date.now()): number {
  return Math.floor(nowMs / 2000) - 774_554_100;
}

/** The answer FreeSWITCH sends for an inbound leg (PCMU + telephone-event, ptime 20). */
export function answerSdp(ip: string, port: number, sessionId: number, version = sessionId + 1): string {
  return [
    'v=0',
    `o=FreeSWITCH ${sessionId} ${version} IN IP4 ${ip}`,
    's=FreeSWITCH',
    `c=IN IP4 ${ip}`,
    't=0 0',
    `m=audio ${port} RTP/AVP 0 101`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-15',
    'a=ptime:20',
    'a=sendrecv',
    '',
  ].join('\r\n');
}

/** The offer FreeSWITCH sends on a B-leg (adds CN/8000). */
export function offerSdp(ip: string, port: number, sessionId: number): string {
  return [
    'v=0',
    `o=FreeSWITCH ${sessionId} ${sessionId + 1} IN IP4 ${ip}`,
    's=FreeSWITCH',
    `c=IN IP4 ${ip}`,
    't=0 0',
    `m=audio ${port} RTP/AVP 0 101 13`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-15',
    'a=rtpmap:13 CN/8000',
    'a=ptime:20',
    'a=sendrecv',
    '',
  ].join('\r\n');
}

/** FreeSWITCH's SDP session ids are wall-clock seconds plus a counter. */
export function sdpSessionId(): number {
  return Math.floor(Date.now() / 1000) - 2_000_000 + Math.floor(Math.random() * 1000);
}

/** FreeSWITCH stores the peer's SDP (switch_r_sdp) without its a=sendrecv line (fixture rows vs the pcap). */
export function storedRemoteSdp(sdp: string): string {
  return sdp.replace(/^a=sendrecv\r?\n/m, '');
}
