import { describe, expect, it } from 'vitest';
import { fixtureRows, SOURCE_DUMPS } from '../../test/support/recovery-fixtures.js';
import { isRecoveryRowError, type RecoveryRowError } from '../common/errors.js';
import { conferenceFromApplication, parseRecoveryRow, parseRecoveryRows } from './parse-recovery-row.js';
import type { RecoveryRow } from './recovery-row.js';

const rows = fixtureRows('exp2-recovery-before-fs_a.tsv');
const byUuid = (u: string) => rows.find((r) => r.uuid === u)!;

function errorOf(row: RecoveryRow): RecoveryRowError {
  try {
    parseRecoveryRow(row);
  } catch (e) {
    if (isRecoveryRowError(e)) return e;
    throw e;
  }
  throw new Error('expected a RecoveryRowError');
}

describe('parseRecoveryRow', () => {
  it('reads the inbound A-leg of a bridge from a real row', () => {
    const leg = parseRecoveryRow(byUuid('689168dd-4272-48b9-9d0c-e25e1cb680b4'));
    expect(leg).toMatchObject({
      direction: 'inbound',
      callId: '1-7258@127.0.0.11', // URL-decoded (%40)
      fromTag: '7258SIPpTag001',
      toTag: 'X676pFQH78cXN',
      partnerUuid: 'c1aadb52-3335-4c3b-ab3b-0fc91ee472a4',
      profile: 'internal',
      localMediaIp: '127.0.0.2',
      advertisedMediaIp: '127.0.0.2',
      localMediaPort: 16732,
      remoteMediaIp: '127.0.0.11',
      remoteMediaPort: 30100,
      switchname: 'fs-a',
      runtimeUuid: '0ee5a899-10f1-4526-a8f6-3b483aa45940',
      destinationNumber: '2000',
    });
    expect(leg.variables.get('sip_full_via')).toBe('SIP/2.0/UDP 127.0.0.11:5072;branch=z9hG4bK-7258-1-5');
  });

  it('reads the outbound B-leg and its partner (the A-leg)', () => {
    const leg = parseRecoveryRow(byUuid('c1aadb52-3335-4c3b-ab3b-0fc91ee472a4'));
    expect(leg.direction).toBe('outbound');
    expect(leg.partnerUuid).toBe('689168dd-4272-48b9-9d0c-e25e1cb680b4');
    expect(leg.variables.get('sip_recover_via')).toMatch(/^SIP\/2\.0\/UDP 127\.0\.0\.2;rport;branch=/);
  });

  it('parses every fixture row', () => {
    for (const dump of SOURCE_DUMPS) {
      const { legs, errors } = parseRecoveryRows(fixtureRows(dump));
      expect(errors).toEqual([]);
      expect(legs).toHaveLength(6);
      expect(legs.filter((l) => l.partnerUuid !== undefined)).toHaveLength(4);
    }
  });

  it('keeps numeric-looking values as strings: caller ids keep their leading zeros', () => {
    const row = byUuid('c3448dbc-1a75-4f7d-9c43-31d688dc1d96');
    const metadata = row.metadata
      .replace(
        '<caller_id_number>sipp</caller_id_number>',
        '<caller_id_number>004930123456</caller_id_number>',
      )
      .replace('<sip_from_user>sipp</sip_from_user>', '<sip_from_user>+004930123456</sip_from_user>')
      .replace(
        '<destination_number>1000</destination_number>',
        '<destination_number>0010</destination_number>',
      );
    const leg = parseRecoveryRow({ ...row, metadata });
    expect(leg.callerIdNumber).toBe('004930123456');
    expect(leg.destinationNumber).toBe('0010');
    expect(leg.variables.get('sip_from_user')).toBe('+004930123456');
  });

  it('takes the room from the running conference application when the row names no conference', () => {
    const row = byUuid('c3448dbc-1a75-4f7d-9c43-31d688dc1d96');
    const inRoom = (data: string, extra = '') =>
      parseRecoveryRow({
        ...row,
        metadata: row.metadata.replace(
          '<current_application>echo</current_application>',
          `<current_application>conference</current_application><current_application_data>${encodeURIComponent(data)}</current_application_data>${extra}`,
        ),
      }).conference;
    expect(inRoom('room-7@default')).toBe('room-7');
    expect(inRoom('  room-7+1234@wide@band+flags{mute|deaf}')).toBe('room-7');
    expect(inRoom('bridge:room-9:sofia/internal/1000@127.0.0.1')).toBe('room-9');
    expect(inRoom('room-7@default', '<last_transfered_conference>room-8</last_transfered_conference>')).toBe(
      'room-8',
    );
    // an echo call is in no room; the conference's own variables win over its application data
    expect(parseRecoveryRow(row).conference).toBeUndefined();
    expect(inRoom('room-7@default', '<conference_name>big-room</conference_name>')).toBe('big-room');
    expect(conferenceFromApplication('conference', '@default')).toBeUndefined();
  });

  it('reports truncated XML, naming the row', () => {
    const row = byUuid('c3448dbc-1a75-4f7d-9c43-31d688dc1d96');
    const e = errorOf({ ...row, metadata: row.metadata.slice(0, 4000) });
    expect(e.uuid).toBe(row.uuid);
    expect(e.message).toMatch(/c3448dbc-1a75-4f7d-9c43-31d688dc1d96: metadata is not well-formed XML/);
  });

  it('reports missing and wrong fields', () => {
    const row = byUuid('c3448dbc-1a75-4f7d-9c43-31d688dc1d96');
    const without = (name: string) => row.metadata.replace(new RegExp(`<${name}>[^<]*</${name}>`), '');
    expect(errorOf({ ...row, metadata: without('local_media_ip') }).problem).toBe(
      'variable local_media_ip is missing',
    );
    expect(errorOf({ ...row, metadata: without('sip_call_id') }).problem).toBe(
      'variable sip_call_id is missing',
    );
    expect(errorOf({ ...row, uuid: 'c3448dbc-1a75-4f7d-9c43-000000000000' }).problem).toMatch(
      /differs from the row/,
    );
    expect(errorOf({ ...row, uuid: 'nope' }).problem).toMatch(/not a UUID/);
    const badPort = row.metadata.replace(/<local_media_port>\d+</, '<local_media_port>99999<');
    expect(errorOf({ ...row, metadata: badPort }).problem).toMatch(/local_media_port '99999' is not a port/);
    const badEscape = row.metadata.replace(/<sip_call_id>[^<]*</, '<sip_call_id>1-7248%4G<');
    expect(errorOf({ ...row, metadata: badEscape }).problem).toMatch(/sip_call_id has a broken URL escape/);
    const noSwitch = row.metadata.replace(' switchname="fs-a"', '');
    expect(errorOf({ ...row, metadata: noSwitch }).problem).toMatch(/no switchname/);
    expect(errorOf({ ...row, metadata: `${row.metadata}\x1e` }).problem).toMatch(/control character U\+001e/);
    expect(errorOf({ ...row, metadata: '' }).problem).toBe('metadata is empty');
  });

  it('collects malformed rows instead of stopping, and leaves their input untouched', () => {
    const bad = { ...rows[0]!, metadata: '<cdr><oops></cdr>' };
    const copy = structuredClone(bad);
    const { legs, errors } = parseRecoveryRows([bad, ...rows.slice(1)]);
    expect(legs).toHaveLength(5);
    expect(errors.map((e) => e.uuid)).toEqual([bad.uuid]);
    expect(bad).toEqual(copy);
  });
});
