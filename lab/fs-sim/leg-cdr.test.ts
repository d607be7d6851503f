import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cdrTail } from './cdr-callflow.js';
import { parseCdr, renderCdr } from './cdr-xml.js';
import { legCdr, legVariables } from './leg-cdr.js';
import type { InboundLegFacts, NodeIdentity, OutboundLegFacts } from './leg-facts.js';
import { parseRecoveryRow } from './recovery-row.js';
import { parseRecoveryTsv } from './recovery-tsv.js';

const file = '/work/shared/fixtures/freeswitch-1.10.12/recovery/recovery-crash2-before.tsv';
const stored = new Map(
  parseRecoveryTsv(readFileSync(file, 'utf8'), file).map((r) => [r.uuid, parseRecoveryRow(r)]),
);
const vars = (uuid: string) => stored.get(uuid)?.vars as Map<string, string>;
const node: NodeIdentity = {
  coreUuid: 'a8f9fece-3cb7-4c74-9403-3f6272242f20',
  switchname: 'fs-a',
  profile: 'internal',
  sipIp: '127.0.0.2',
  sipPort: 5060,
};

function inboundFacts(uuid: string): InboundLegFacts {
  const v = vars(uuid);
  const g = (k: string) => v.get(k) ?? '';
  const bridged = v.has('signal_bond');
  const f: InboundLegFacts = {
    direction: 'inbound',
    uuid,
    sessionId: Number(g('session_id')),
    fullFrom: g('sip_full_from'),
    fullTo: g('sip_full_to'),
    callId: g('sip_call_id'),
    cseq: 1,
    fullVia: g('sip_full_via'),
    requestUri: `sip:${g('sip_req_uri')}`,
    contact: `<sip:${g('sip_contact_uri')}>`,
    recordRoute: [],
    maxForwards: 70,
    subject: 'ha-test',
    networkIp: g('sip_network_ip'),
    networkPort: Number(g('sip_network_port')),
    media: {
      localIp: g('local_media_ip'),
      localPort: Number(g('local_media_port')),
      remoteIp: g('remote_media_ip'),
      remotePort: Number(g('remote_media_port')),
      localSdp: g('rtp_local_sdp_str'),
      remoteSdp: g('switch_r_sdp'),
      ssrc: Number(g('rtp_use_ssrc')),
    },
    app: bridged ? 'bridge' : 'echo',
    appData: 'uas@127.0.0.1:5080',
    destinationNumber: g('sip_req_user'),
    createdUs: 1795770760167030,
    answeredUs: 1795770760167030,
  };
  if (bridged) {
    f.partnerUuid = g('signal_bond');
    f.partnerChannel = g('bridge_channel');
  }
  return f;
}

function outboundFacts(uuid: string): OutboundLegFacts {
  const v = vars(uuid);
  const g = (k: string) => v.get(k) ?? '';
  return {
    direction: 'outbound',
    uuid,
    sessionId: Number(g('session_id')),
    requestUri: g('sip_req_uri'),
    fullFrom: g('sip_full_from'),
    fullTo: g('sip_full_to'),
    callId: g('sip_call_id'),
    cseq: Number(g('sip_cseq')),
    recoverVia: g('sip_recover_via'),
    contact: g('sip_recover_contact'),
    recordRoute: [],
    maxForwards: 69,
    networkIp: g('sip_network_ip'),
    networkPort: Number(g('sip_network_port')),
    media: {
      localIp: g('local_media_ip'),
      localPort: Number(g('local_media_port')),
      remoteIp: g('remote_media_ip'),
      remotePort: Number(g('remote_media_port')),
      localSdp: g('rtp_local_sdp_str'),
      remoteSdp: g('switch_r_sdp'),
      ssrc: Number(g('rtp_use_ssrc')),
    },
    originatorUuid: g('originator'),
    originatorChannel: 'sofia/internal/sipp@127.0.0.1:5072',
    callerIdName: 'sipp',
    callerIdNumber: 'sipp',
    originatorDestination: '2000',
    createdUs: 1795770760167030,
    answeredUs: 1795770760187030,
  };
}

/** Variables whose value FreeSWITCH derives from something fs-sim does not model (ACK Via, codec offer). */
const FREE = new Set(['sip_full_via', 'switch_m_sdp']);

function expectSameVariables(ours: Array<[string, string]>, theirs: Array<[string, string]>) {
  expect(ours.map(([k]) => k)).toEqual(theirs.map(([k]) => k));
  const t = new Map(theirs);
  for (const [k, v] of ours) if (!FREE.has(k)) expect([k, v]).toEqual([k, t.get(k)]);
}

describe('leg variables written by fs-sim (fidelity against fixture rows)', () => {
  it('fidelity: echo inbound leg has FreeSWITCH variables, in order, with the same values', () => {
    const uuid = 'b58fcb31-f6ff-4382-a9a7-522b07466a13';
    expectSameVariables(legVariables(node, inboundFacts(uuid)), stored.get(uuid)?.doc.variables ?? []);
  });

  it('fidelity: bridged A-leg (inbound) matches', () => {
    const uuid = '0332c2cf-c60b-4144-8a7b-ca4b43b699a2';
    expectSameVariables(legVariables(node, inboundFacts(uuid)), stored.get(uuid)?.doc.variables ?? []);
  });

  it('fidelity: bridged B-leg (outbound) matches, recover_contact/recover_via included', () => {
    const uuid = '296090ba-4391-4cc0-8e13-3c273e28f5f6';
    expectSameVariables(legVariables(node, outboundFacts(uuid)), stored.get(uuid)?.doc.variables ?? []);
  });

  it('renders a CDR that parses back to the same leg (row round trip)', () => {
    const f = inboundFacts('b58fcb31-f6ff-4382-a9a7-522b07466a13');
    const xml = renderCdr(legCdr(node, f, cdrTail(node, f, 'flow-1')));
    expect(xml.startsWith('<cdr core-uuid="a8f9fece-3cb7-4c74-9403-3f6272242f20" switchname="fs-a">\n')).toBe(
      true,
    );
    const back = parseCdr(xml, 'x');
    expect(new Map(back.variables).get('sip_full_from')).toBe(f.fullFrom);
    expect(back.tail).toContain('<application app_name="echo" app_data=""></application>');
    const row = {
      runtime_uuid: node.coreUuid,
      technology: 'sofia',
      profile_name: 'internal',
      hostname: 'fs-a',
      uuid: f.uuid,
      metadata: xml,
    };
    expect(parseRecoveryRow(row).localMediaPort).toBe(16642);
  });
});
