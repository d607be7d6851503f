import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cdrTail } from './cdr-callflow.js';
import { renderCdr } from './cdr-xml.js';
import { legCdr } from './leg-cdr.js';
import type { InboundLegFacts, LegFacts, NodeIdentity, OutboundLegFacts } from './leg-facts.js';
import { buildRecoveryReinvite } from './recovery-reinvite.js';
import { parseRecoveryRow } from './recovery-row.js';

// kam-run2 (../shared/fixtures/proxy-tier): calls through Kamailio 127.0.0.20, node fs-p1 127.0.0.21 killed,
// rows moved to fs-p2 127.0.0.22 with the rewrite, fsctl recover on fs-p2.
const samples = readFileSync('/work/shared/fixtures/proxy-tier/sample-recovery-reinvites.txt', 'utf8')
  .split(/^=== frame .*$/m)
  .map((s) => s.trim())
  .filter(Boolean);
const fromFs = samples.filter((s) => /^Via: SIP\/2.0\/UDP 127.0.0.22/m.test(s));
const header = (msg: string, n: string) => new RegExp(`^${n}: (.*)$`, 'm').exec(msg)?.[1]?.trim();

const node: NodeIdentity = {
  coreUuid: 'c-1',
  switchname: 'fs-p2',
  profile: 'internal',
  sipIp: '127.0.0.22',
  sipPort: 5060,
};
const media = (port: number) => ({
  localIp: '127.0.0.22',
  localPort: port,
  remoteIp: '127.0.0.30',
  remotePort: 30444,
  localSdp: 'v=0\r\n',
  remoteSdp: 'v=0\r\n',
  ssrc: 1,
});

/** What fs-sim stores for the echo A-leg C1 of kam-run2 (INVITE relayed by the proxy). */
const aleg: InboundLegFacts = {
  direction: 'inbound',
  uuid: 'a-1',
  sessionId: 1,
  fullFrom: 'sipp <sip:sipp@127.0.0.31:5070>;tag=16252SIPpTag001',
  fullTo: '<sip:1000@127.0.0.20:5060>;tag=6HvU5vrS1y6vm',
  callId: '1-16252@127.0.0.31',
  cseq: 1,
  fullVia: 'SIP/2.0/UDP 127.0.0.20;branch=z9hG4bKcc7a,SIP/2.0/UDP 127.0.0.31:5070;branch=z9hG4bK-16252-1-0',
  requestUri: 'sip:1000@127.0.0.20:5060',
  contact: '<sip:sipp@127.0.0.31:5070>',
  recordRoute: ['<sip:127.0.0.20;lr;ftag=16252SIPpTag001>'],
  maxForwards: 69,
  networkIp: '127.0.0.20',
  networkPort: 5060,
  media: media(18202),
  app: 'echo',
  appData: '',
  destinationNumber: '1000',
  createdUs: 1,
  answeredUs: 1,
};

/** The B-leg C3 (fs_path through the proxy), 200 OK Via carrying the proxy's received/rport. */
const bleg: OutboundLegFacts = {
  direction: 'outbound',
  uuid: 'b-1',
  sessionId: 2,
  requestUri: 'uas@127.0.0.31:5080',
  fsPath: 'sip:127.0.0.20:5060',
  fullFrom: '"sipp" <sip:sipp@127.0.0.22>;tag=83eD9jt0UgK2B',
  fullTo: '<sip:uas@127.0.0.31:5080>;tag=16240SIPpTag011',
  callId: '783ce57b-64e8-1240-b688-121bfd01cfbf',
  cseq: 123332217,
  recoverVia: 'SIP/2.0/UDP 127.0.0.22;received=127.0.0.22;rport=5060;branch=z9hG4bKZye5vj0rQ02Sp',
  contact: '<sip:uas@127.0.0.31:5080>',
  recordRoute: ['<sip:127.0.0.20;lr;ftag=83eD9jt0UgK2B>'],
  maxForwards: 68,
  networkIp: '127.0.0.20',
  networkPort: 5060,
  media: media(18418),
  originatorUuid: 'a-2',
  originatorChannel: 'sofia/internal/sipp@127.0.0.31:5072',
  callerIdName: 'sipp',
  callerIdNumber: 'sipp',
  originatorDestination: '2000',
  createdUs: 1,
  answeredUs: 1,
};

function roundTrip(f: LegFacts) {
  const metadata = renderCdr(legCdr(node, f, cdrTail(node, f, 'flow')));
  return parseRecoveryRow({
    runtime_uuid: 'old',
    technology: 'sofia',
    profile_name: 'internal',
    hostname: 'fs-p2',
    uuid: f.uuid,
    metadata,
  });
}

describe('recovery through the proxy tier (fidelity against kam-run2)', () => {
  it.each([
    ['A-leg (inbound, echo)', aleg, 'INVITE sip:sipp@127.0.0.31:5070'],
    ['B-leg (outbound, fs_path)', bleg, 'INVITE sip:uas@127.0.0.31:5080'],
  ] as const)(
    'fidelity: %s written by fs-sim recovers with the Route/Record-Route/Via FreeSWITCH sent',
    (_n, facts, line) => {
      const wire = fromFs.find((s) => s.startsWith(line)) ?? '';
      expect(wire).not.toBe('');
      const branch = /branch=([^;\s]+)/.exec(header(wire, 'Via') ?? '')?.[1] ?? '';
      const ours = buildRecoveryReinvite(
        roundTrip(facts),
        { sipIp: '127.0.0.22', sipPort: 5060, hostIp: '192.0.2.2', userAgent: 'fs-sim' },
        { cseq: 123332223, branch, sdpSessionId: 1 },
      );
      expect(`${ours.method} ${ours.requestUri}`).toBe(line);
      for (const n of [
        'Via',
        'Route',
        'Record-Route',
        'Max-Forwards',
        'From',
        'To',
        'Call-ID',
        'CSeq',
        'Contact',
        'Remote-Party-ID',
      ]) {
        expect([n, ours.headers.find(([k]) => k === n)?.[1]]).toEqual([n, header(wire, n)]);
      }
      // sent to the proxy, which loose-routes it to the UA
      expect(ours.destination).toEqual({ address: '127.0.0.20', port: 5060 });
    },
  );
});
