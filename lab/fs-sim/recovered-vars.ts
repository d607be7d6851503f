// How FreeSWITCH's stored variables change once a recovered leg's re-INVITE is answered (fixture "after-recover" rows).

import { parseRemoteMedia } from '../../src/sip/session-description.js';
import type { SipResponse } from '../../src/sip/sip-message.js';
import { storedRemoteSdp } from './fs-sip.js';
import { bareUri, uriParts } from './leg-cdr.js';
import type { OutgoingRequest } from './recovery-reinvite.js';
import type { StoredLeg } from './recovery-row.js';

const headerOf = (r: OutgoingRequest, name: string): string => r.headers.find(([k]) => k === name)?.[1] ?? '';
const tagOf = (v: string): string => /;tag=([^;]+)/.exec(v)?.[1] ?? '';

/** The variables a recovered leg's row holds after its re-INVITE got 200 (order kept, new ones appended). */
export function recoveredVariables(
  leg: StoredLeg,
  sent: OutgoingRequest,
  answer: SipResponse,
): Array<[string, string]> {
  const vars = new Map(leg.doc.variables);
  const set = (k: string, v: string) => vars.set(k, v);
  const from = headerOf(sent, 'From');
  const to = headerOf(sent, 'To');
  const via = headerOf(sent, 'Via');
  set('recovered', 'true');
  set('sip_invite_call_id', leg.callId);
  set('sip_handle_full_from', from);
  set('sip_handle_full_to', to);
  set('sip_cseq', headerOf(sent, 'CSeq').split(' ')[0] ?? '');
  set('sip_outgoing_contact_uri', headerOf(sent, 'Contact'));
  set('rtp_local_sdp_str', sent.body.replace(/a=ptime:20\r\n$/, 'a=ptime:20\r\na=sendrecv\r\n'));
  if (answer.body) set('switch_r_sdp', storedRemoteSdp(answer.body));
  const media = parseRemoteMedia(answer.body);
  if (media) {
    set('remote_media_ip', media.ip);
    set('remote_media_port', String(media.port));
  }
  if (leg.direction === 'inbound') {
    // dlg_req_swap_direction: the stored dialog now reads from FreeSWITCH's side
    const route = headerOf(sent, 'Route');
    if (route) set('sip_invite_route_uri', route);
    set('dlg_req_swap_direction', 'true');
    set('sip_full_via', via);
    set('sip_full_from', from);
    set('sip_full_to', to);
    set('sip_from_tag', tagOf(from));
    set('sip_to_tag', tagOf(to));
    for (const [prefix, value] of [
      ['sip_from', from],
      ['sip_to', to],
    ] as const) {
      const p = uriParts(bareUri(value));
      set(`${prefix}_user`, p.user);
      if (p.port) set(`${prefix}_port`, String(p.port));
      set(`${prefix}_uri`, p.uri);
      set(`${prefix}_host`, p.host);
    }
    set('sip_req_uri', sent.requestUri.replace(/^sips?:/, ''));
  } else {
    set('sip_full_via', answer.headers.get('Via') ?? via);
    set('sip_recover_via', answer.headers.get('Via') ?? via);
  }
  return [...vars];
}
