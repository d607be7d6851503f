import { describe, expect, it } from 'vitest';
import { groupMigrationUnits } from '../../src/recovery/migration-unit.js';
import { parseRecoveryRow as parseForMigration } from '../../src/recovery/parse-recovery-row.js';
import { cdrTail } from './cdr-callflow.js';
import { renderCdr } from './cdr-xml.js';
import { legCdr } from './leg-cdr.js';
import type { InboundLegFacts, LegFacts, NodeIdentity, OutboundLegFacts } from './leg-facts.js';

// fs-sim writes rows that src/recovery (the migration side) must read as it reads FreeSWITCH's.
const node: NodeIdentity = {
  coreUuid: '5b1c4a52-52e4-4d59-9d0c-3f0a7d4c1e11',
  switchname: 'fs-a',
  profile: 'internal',
  sipIp: '198.19.1.41',
  sipPort: 5060,
};
const media = (port: number) => ({
  localIp: '198.19.1.41',
  localPort: port,
  remoteIp: '198.19.1.30',
  remotePort: port + 10_000,
  localSdp: 'v=0\r\n',
  remoteSdp: 'v=0\r\n',
  ssrc: 7,
});
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function inbound(
  n: number,
  app: InboundLegFacts['app'],
  extra: Partial<InboundLegFacts> = {},
): InboundLegFacts {
  return {
    direction: 'inbound',
    uuid: uuid(n),
    sessionId: n,
    fullFrom: `"caller ${n}" <sip:+4930${n}@198.19.1.1:5070>;tag=from${n}`,
    fullTo: `<sip:${app === 'bridge' ? '2000' : '1000'}@198.19.1.20:5060>;tag=to${n}`,
    callId: `call-${n}@198.19.1.1`,
    cseq: 1,
    fullVia: 'SIP/2.0/UDP 198.19.1.20;branch=z9hG4bKx,SIP/2.0/UDP 198.19.1.1:5070;branch=z9hG4bKy',
    requestUri: `sip:${app === 'bridge' ? '2000' : '1000'}@198.19.1.20:5060`,
    contact: '<sip:caller@198.19.1.1:5070>',
    recordRoute: ['<sip:198.19.1.20;lr;ftag=from1>'],
    maxForwards: 69,
    networkIp: '198.19.1.20',
    networkPort: 5060,
    media: media(16_000 + 2 * n),
    app,
    appData: 'uas@198.19.1.1:5080;fs_path=sip:198.19.1.20:5060',
    destinationNumber: app === 'bridge' ? '2000' : '1000',
    createdUs: 1,
    answeredUs: 2,
    ...extra,
  };
}

const bleg: OutboundLegFacts = {
  direction: 'outbound',
  uuid: uuid(3),
  sessionId: 3,
  requestUri: 'uas@198.19.1.1:5080',
  fsPath: 'sip:198.19.1.20:5060',
  fullFrom: '"caller 2" <sip:+49302@198.19.1.41>;tag=bfrom',
  fullTo: '<sip:uas@198.19.1.1:5080>;tag=bto',
  callId: 'b-call-3',
  cseq: 123_000_000,
  recoverVia: 'SIP/2.0/UDP 198.19.1.41;received=198.19.1.41;rport=5060;branch=z9hG4bKb',
  contact: '<sip:uas@198.19.1.1:5080>',
  recordRoute: ['<sip:198.19.1.20;lr;ftag=bfrom>'],
  maxForwards: 68,
  networkIp: '198.19.1.20',
  networkPort: 5060,
  media: media(16_100),
  originatorUuid: uuid(2),
  originatorChannel: 'sofia/internal/+49302@198.19.1.1:5070',
  callerIdName: 'caller 2',
  callerIdNumber: '+49302',
  originatorDestination: '2000',
  createdUs: 1,
  answeredUs: 2,
};

const conf = { name: '3000', uuid: 'c0c0c0c0-0000-4000-8000-000000000001' };
const legs: LegFacts[] = [
  inbound(1, 'echo'),
  inbound(2, 'bridge', { partnerUuid: uuid(3), partnerChannel: 'sofia/internal/uas@198.19.1.1:5080' }),
  bleg,
  inbound(4, 'tone'),
  inbound(5, 'conference', { conference: { ...conf, memberId: 1 } }),
  inbound(6, 'conference', { conference: { ...conf, memberId: 2 } }),
];
const rows = legs.map((f) => ({
  runtimeUuid: node.coreUuid,
  technology: 'sofia',
  profileName: 'internal',
  hostname: 'fs-a',
  uuid: f.uuid,
  metadata: renderCdr(legCdr(node, f, cdrTail(node, f, uuid(900 + Number(f.uuid.slice(-2)))))),
}));

describe('rows written by fs-sim, read by the migration side (src/recovery)', () => {
  it('every leg parses strictly with the facts it was written from', () => {
    for (const [i, row] of rows.entries()) {
      const f = legs[i] as LegFacts;
      const leg = parseForMigration(row);
      expect(leg).toMatchObject({
        uuid: f.uuid,
        direction: f.direction,
        callId: f.callId,
        profile: 'internal',
        switchname: 'fs-a',
        runtimeUuid: node.coreUuid,
        localMediaIp: '198.19.1.41',
        advertisedMediaIp: '198.19.1.41',
        localMediaPort: f.media.localPort,
      });
    }
  });

  it('keeps caller id numbers as written (leading +) and the destination', () => {
    const a = parseForMigration(rows[1] as (typeof rows)[number]);
    expect(a.callerIdNumber).toBe('+49302');
    expect(a.destinationNumber).toBe('2000');
  });

  it('groups the bridge legs and the conference members into migration units', () => {
    const units = groupMigrationUnits(rows.map((r) => parseForMigration(r)));
    const kinds = units.map((u) => [u.kind, [...u.uuids]]);
    expect(kinds).toContainEqual(['bridge', [uuid(2), uuid(3)]]);
    expect(kinds).toContainEqual(['conference', [uuid(5), uuid(6)]]);
    expect(kinds).toContainEqual(['single', [uuid(1)]]);
    expect(kinds).toContainEqual(['single', [uuid(4)]]);
    for (const u of units) expect(u.missingPartners).toEqual([]);
  });
});
