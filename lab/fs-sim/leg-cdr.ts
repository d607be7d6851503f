// Builds the recovery metadata (XML CDR) FreeSWITCH writes for an answered leg, variable by variable.
import { parseNameAddr, parseSipUri } from '../../src/sip/sip-uri.js';
import type { CdrDocument } from './cdr-xml.js';
import type { InboundLegFacts, LegFacts, LegMedia, NodeIdentity, OutboundLegFacts } from './leg-facts.js';

type Vars = Array<[string, string]>;

/** user/host/port of "user@host:port" (a URI without scheme or params). */
export function uriParts(text: string): { user: string; host: string; port?: number; uri: string } {
  const parsed = parseSipUri(/^sips?:/i.test(text) ? text : `sip:${text}`);
  const user = parsed?.user ?? '';
  const host = parsed?.host ?? '';
  const uri = `${user ? `${user}@` : ''}${host}${parsed?.port ? `:${parsed.port}` : ''}`;
  return parsed?.port ? { user, host, port: parsed.port, uri } : { user, host, uri };
}

/** The addr-spec inside a name-addr header value, without "sip:" and params. */
export function bareUri(headerValue: string): string {
  const na = parseNameAddr(headerValue);
  return uriParts(na?.uri ?? headerValue).uri;
}

const tagOf = (v: string): string => parseNameAddr(v)?.params.get('tag') ?? '';
const displayOf = (v: string): string | undefined => parseNameAddr(v)?.display;

function uriVars(prefix: string, uri: string, withPort = true): Vars {
  const p = uriParts(uri);
  const out: Vars = [[`${prefix}_user`, p.user]];
  if (withPort && p.port) out.push([`${prefix}_port`, String(p.port)]);
  out.push([`${prefix}_uri`, p.uri], [`${prefix}_host`, p.host]);
  return out;
}

function codecVars(remoteSdp: string): Vars {
  return [
    ['switch_r_sdp', remoteSdp],
    ['ep_codec_string', 'CORE_PCM_MODULE.PCMU@8000h@20i@64000b'],
  ];
}

const RATE_VARS: Vars = [
  ['rtp_use_codec_name', 'PCMU'],
  ['rtp_use_codec_rate', '8000'],
  ['rtp_use_codec_ptime', '20'],
  ['rtp_use_codec_channels', '1'],
  ['rtp_last_audio_codec_string', 'PCMU@8000h@20i@1c'],
  ['read_codec', 'PCMU'],
  ['original_read_codec', 'PCMU'],
  ['read_rate', '8000'],
  ['original_read_rate', '8000'],
  ['write_codec', 'PCMU'],
  ['write_rate', '8000'],
  ['dtmf_type', 'rfc2833'],
];

function mediaVars(m: LegMedia): Vars {
  return [
    ['local_media_ip', m.localIp],
    ['local_media_port', String(m.localPort)],
    ['advertised_media_ip', m.localIp],
    ['rtp_use_timer_name', 'soft'],
    ['rtp_use_pt', '0'],
    ['rtp_use_ssrc', String(m.ssrc)],
    ['rtp_2833_send_payload', '101'],
    ['rtp_2833_recv_payload', '101'],
    ['remote_media_ip', m.remoteIp],
    ['remote_media_port', String(m.remotePort)],
  ];
}

const profileUrl = (n: NodeIdentity): string => `sip:mod_sofia@${n.sipIp}:${n.sipPort}`;

/** Channel name FreeSWITCH gives a leg: sofia/<profile>/<user@host:port>. */
export function channelName(node: NodeIdentity, f: LegFacts): string {
  const target = f.direction === 'inbound' ? bareUri(f.fullFrom) : uriParts(f.requestUri).uri;
  return `sofia/${node.profile}/${target}`;
}

function inboundVars(node: NodeIdentity, f: InboundLegFacts): Vars {
  const bridged = f.app === 'bridge' && f.partnerUuid !== undefined;
  const v: Vars = [
    ['direction', 'inbound'],
    ['uuid', f.uuid],
    ['session_id', String(f.sessionId)],
  ];
  v.push(...uriVars('sip_from', bareUri(f.fullFrom)));
  if (!bridged) v.push(['video_media_flow', 'disabled'], ['text_media_flow', 'disabled']);
  v.push(
    ['channel_name', channelName(node, f)],
    ['sip_local_network_addr', node.sipIp],
    ['sip_network_ip', f.networkIp],
    ['sip_network_port', String(f.networkPort)],
    ['sip_invite_stamp', String(f.createdUs)],
    ['sip_received_ip', f.networkIp],
    ['sip_received_port', String(f.networkPort)],
    ['sip_via_protocol', 'udp'],
    ['sip_from_user_stripped', uriParts(bareUri(f.fullFrom)).user],
    ['sofia_profile_name', node.profile],
    ['sofia_profile_url', profileUrl(node)],
    ['recovery_profile_name', node.profile],
  );
  if (f.recordRoute.length > 0) v.push(['sip_invite_record_route', f.recordRoute.join(',')]);
  v.push(...uriVars('sip_req', f.requestUri.replace(/^sips?:/, '').replace(/;.*$/, '')));
  v.push(...uriVars('sip_to', bareUri(f.fullTo)));
  v.push(...uriVars('sip_contact', bareUri(f.contact)));
  if (f.subject) v.push(['sip_subject', f.subject]);
  const topVia = /^\S+\s+([^;:,\s]+)(?::(\d+))?/.exec(f.fullVia);
  v.push(['sip_via_host', topVia?.[1] ?? f.networkIp], ['sip_via_port', topVia?.[2] ?? '5060']);
  v.push(['max_forwards', String(f.maxForwards)], ...codecVars(f.media.remoteSdp));
  v.push(['rtp_use_codec_string', 'PCMU,PCMA'], ['remote_video_media_flow', 'inactive']);
  v.push(['remote_text_media_flow', 'inactive'], ['remote_audio_media_flow', 'sendrecv']);
  if (!bridged) v.push(['audio_media_flow', 'sendrecv']);
  v.push(['rtp_audio_recv_pt', '0'], ...RATE_VARS, ['call_uuid', f.uuid]);
  if (bridged) {
    const partner = f.partnerUuid as string;
    v.push(
      ['current_application_data', `sofia/${node.profile}/${f.appData}`],
      ['current_application', 'bridge'],
      ['originated_legs', `${partner};Outbound Call;${uriParts(f.appData).user}`],
      ['switch_m_sdp', f.partnerRemoteSdp ?? ''],
      ['video_media_flow', 'inactive'],
      ['text_media_flow', 'inactive'],
      ['audio_media_flow', 'sendrecv'],
      ['rtp_local_sdp_str', f.media.localSdp],
      ...mediaVars(f.media),
      ['endpoint_disposition', 'ANSWER'],
      ['originate_disposition', 'SUCCESS'],
      ['DIALSTATUS', 'SUCCESS'],
      ['originate_causes', `${partner};NONE`],
      ['bridge_to', partner],
      ['last_bridge_to', partner],
      ['bridge_channel', f.partnerChannel ?? ''],
      ['bridge_uuid', partner],
      ['signal_bond', partner],
    );
  } else {
    v.push(['rtp_local_sdp_str', f.media.localSdp], ...mediaVars(f.media), [
      'endpoint_disposition',
      'ANSWER',
    ]);
    v.push(['current_application', f.app]);
    if (f.conference) {
      v.push(
        ['current_application_data', `${f.conference.name}@default`],
        ['conference_name', f.conference.name],
        ['conference_uuid', f.conference.uuid],
        ['conference_member_id', String(f.conference.memberId)],
      );
    }
  }
  v.push(
    ['sip_to_tag', tagOf(f.fullTo)],
    ['sip_from_tag', tagOf(f.fullFrom)],
    ['sip_cseq', String(f.cseq)],
    ['sip_call_id', f.callId],
    ['sip_full_via', f.fullVia],
  );
  const display = displayOf(f.fullFrom);
  if (display) v.push(['sip_from_display', display]);
  v.push(['sip_full_from', f.fullFrom], ['sip_full_to', f.fullTo]);
  return v;
}

function outboundVars(node: NodeIdentity, f: OutboundLegFacts): Vars {
  const dest = `sip:${f.requestUri}${f.fsPath ? `;fs_path=${f.fsPath}` : ''}`;
  const v: Vars = [
    ['direction', 'outbound'],
    ['is_outbound', 'true'],
    ['uuid', f.uuid],
    ['session_id', String(f.sessionId)],
    ['sip_profile_name', node.profile],
    ['text_media_flow', 'disabled'],
    ['channel_name', channelName(node, f)],
    ['sip_destination_url', dest],
    ['max_forwards', String(f.maxForwards)],
    ['originator_codec', 'PCMU@8000h@20i'],
    ['originator', f.originatorUuid],
    ['signal_bond', f.originatorUuid],
    ['switch_m_sdp', f.media.remoteSdp],
    ['originate_early_media', 'true'],
    ['originating_leg_uuid', f.originatorUuid],
    ['originate_endpoint', 'sofia'],
    ['audio_media_flow', 'sendrecv'],
    ['video_media_flow', 'inactive'],
    ['rtp_local_sdp_str', f.media.localSdp],
    ['sip_outgoing_contact_uri', `<sip:mod_sofia@${node.sipIp}:${node.sipPort}>`],
    ['sip_req_uri', uriParts(f.requestUri).uri],
    ['sofia_profile_name', node.profile],
    ['recovery_profile_name', node.profile],
    ['sofia_profile_url', profileUrl(node)],
    ['sip_local_network_addr', node.sipIp],
    ['sip_reply_host', f.networkIp],
    ['sip_reply_port', String(f.networkPort)],
    ['sip_network_ip', f.networkIp],
    ['sip_network_port', String(f.networkPort)],
    ['sip_recover_contact', f.contact],
    ['sip_full_via', f.recoverVia],
    ['sip_recover_via', f.recoverVia],
  ];
  const display = displayOf(f.fullFrom);
  if (display) v.push(['sip_from_display', display]);
  v.push(['sip_full_from', f.fullFrom], ['sip_full_to', f.fullTo]);
  if (f.recordRoute.length > 0) v.push(['sip_invite_record_route', f.recordRoute.join(',')]);
  v.push(...uriVars('sip_from', bareUri(f.fullFrom)), ...uriVars('sip_to', bareUri(f.fullTo)));
  v.push(...uriVars('sip_contact', bareUri(f.contact)));
  v.push(
    ['sip_to_tag', tagOf(f.fullTo)],
    ['sip_from_tag', tagOf(f.fullFrom)],
    ['sip_cseq', String(f.cseq)],
    ['sip_call_id', f.callId],
    ...codecVars(f.media.remoteSdp),
    ['rtp_use_codec_string', 'PCMU@8000h@20i'],
    ['remote_video_media_flow', 'inactive'],
    ['remote_text_media_flow', 'inactive'],
    ['remote_audio_media_flow', 'sendrecv'],
    ['rtp_audio_recv_pt', '0'],
    ...RATE_VARS,
    ...mediaVars(f.media),
    ['endpoint_disposition', 'ANSWER'],
    ['call_uuid', f.originatorUuid],
    ['bridge_to', f.originatorUuid],
    ['last_bridge_to', f.originatorUuid],
  );
  return v;
}

/** The channel variables FreeSWITCH 1.10 stores for an answered leg, in its order. */
export function legVariables(node: NodeIdentity, f: LegFacts): Vars {
  return f.direction === 'inbound' ? inboundVars(node, f) : outboundVars(node, f);
}

const CHANNEL_FLAGS = {
  inbound: '0=1;1=1;4=1;9=1;39=1;50=1;55=1;68=1;88=1;89=1;107=1;113=1;114=1;123=1;160=1;165=1;166=1',
  outbound: '0=1;1=1;2=1;39=1;45=1;46=1;50=1;55=1;88=1;89=1;107=1;113=1;114=1;160=1;166=1',
} as const;

/** The whole CDR document of an answered leg. */
export function legCdr(node: NodeIdentity, f: LegFacts, tail: string): CdrDocument {
  const inbound = f.direction === 'inbound';
  return {
    coreUuid: node.coreUuid,
    switchname: node.switchname,
    channelData: [
      ['state', inbound ? 'CS_EXECUTE' : 'CS_CONSUME_MEDIA'],
      ['direction', f.direction],
      ['state_number', inbound ? '4' : '7'],
      ['flags', CHANNEL_FLAGS[f.direction]],
      ['caps', '1=1;2=1;3=1;4=1;5=1;6=1;8=1;9=1;10=1'],
    ],
    variables: legVariables(node, f),
    tail,
  };
}
