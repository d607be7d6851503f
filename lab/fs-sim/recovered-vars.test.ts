import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SipResponse } from '../../src/sip/sip-message.js';
import { parseSipMessage } from '../../src/sip/sip-parser.js';
import { recoveredVariables } from './recovered-vars.js';
import { buildRecoveryReinvite } from './recovery-reinvite.js';
import { parseRecoveryRow, type StoredLeg } from './recovery-row.js';
import { parseRecoveryTsv } from './recovery-tsv.js';

const FIX = '/work/shared/fixtures/freeswitch-1.10.12/recovery';
const legs = (f: string): StoredLeg[] =>
  parseRecoveryTsv(readFileSync(`${FIX}/${f}`, 'utf8'), f).map((r) => parseRecoveryRow(r));
const before = legs('recovery-crash2-before.tsv');
const after = new Map(legs('recovery-crash2-after-recover.tsv').map((l) => [l.uuid, l.vars]));
const wire: Array<{ t: number; message: string }> = JSON.parse(
  readFileSync('test/data/fs-sim/reinvites/crash2.json', 'utf8'),
);
const answers: string[] = JSON.parse(readFileSync('test/data/fs-sim/reinvites/crash2-answers.json', 'utf8'));

function answerFor(callId: string): SipResponse {
  const text = answers.find((a) => a.includes(`Call-ID: ${callId}\r\n`)) ?? '';
  const parsed = parseSipMessage(Buffer.from(text));
  if (!parsed.ok || parsed.message.kind !== 'response') throw new Error(`no 200 for ${callId}`);
  return parsed.message;
}

/** Variables FreeSWITCH changes on recovery that fs-sim must change the same way. */
const TRACKED = {
  inbound: [
    'recovered',
    'sip_handle_full_from',
    'sip_handle_full_to',
    'sip_invite_call_id',
    'sip_invite_route_uri',
    'dlg_req_swap_direction',
    'sip_full_from',
    'sip_full_to',
    'sip_from_tag',
    'sip_to_tag',
    'sip_from_user',
    'sip_from_uri',
    'sip_from_host',
    'sip_from_port',
    'sip_to_user',
    'sip_to_uri',
    'sip_to_host',
    'sip_to_port',
    'sip_req_uri',
    'sip_full_via',
    'sip_cseq',
    'sip_outgoing_contact_uri',
    'switch_r_sdp',
    'remote_media_ip',
    'remote_media_port',
    'local_media_ip',
    'local_media_port',
  ],
  outbound: [
    'recovered',
    'sip_handle_full_from',
    'sip_handle_full_to',
    'sip_invite_call_id',
    'sip_full_from',
    'sip_full_to',
    'sip_from_tag',
    'sip_to_tag',
    'sip_full_via',
    'sip_recover_via',
    'sip_cseq',
    'sip_outgoing_contact_uri',
    'switch_r_sdp',
    'remote_media_ip',
    'remote_media_port',
  ],
} as const;

describe('variables of a recovered leg (fidelity against crash2 after-recover rows)', () => {
  it.each(before.map((l) => [`${l.direction} ${l.uuid}`, l] as const))('fidelity: %s', (_n, leg) => {
    const sent =
      wire.find((w) => w.t > 10 && w.message.includes(`Call-ID: ${leg.callId}\r\n`))?.message ?? '';
    const branch = /branch=([^;\r]+)/.exec(sent)?.[1] ?? '';
    const out = buildRecoveryReinvite(
      leg,
      { sipIp: '127.0.0.2', sipPort: 5060, hostIp: '192.0.2.2', userAgent: 'fs-sim' },
      { cseq: 123331595, branch, sdpSessionId: 1 },
    );
    const ours = new Map(recoveredVariables(leg, out, answerFor(leg.callId)));
    const theirs = after.get(leg.uuid) as Map<string, string>;
    for (const k of TRACKED[leg.direction]) expect([k, ours.get(k)]).toEqual([k, theirs.get(k)]);
  });
});
