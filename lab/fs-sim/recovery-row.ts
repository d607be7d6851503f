// One row of FreeSWITCH's recovery table, parsed into the leg fs-sim must bring back.
import { RecoveryRowError } from '../../src/common/errors.js';
import { type CdrDocument, parseCdr } from './cdr-xml.js';

/** recovery(runtime_uuid, technology, profile_name, hostname, uuid, metadata), FreeSWITCH's schema. */
export interface RecoveryRow {
  runtime_uuid: string;
  technology: string;
  profile_name: string;
  hostname: string;
  uuid: string;
  metadata: string;
}

/** A stored leg with the facts recovery needs, validated. */
export interface StoredLeg {
  row: RecoveryRow;
  doc: CdrDocument;
  vars: Map<string, string>;
  uuid: string;
  direction: 'inbound' | 'outbound';
  callId: string;
  localMediaIp: string;
  localMediaPort: number;
  remoteMediaIp: string;
  remoteMediaPort: number;
  /** The other leg of a bridge (signal_bond, else bridge_to). */
  partnerUuid?: string;
  /** current_application of an inbound leg (echo, bridge, conference, playback...). */
  app?: string;
}

/** Variables a leg cannot be re-INVITEd without, per direction. */
const REQUIRED = {
  inbound: ['sip_call_id', 'sip_full_from', 'sip_full_to', 'sip_contact_uri', 'sip_contact_user'],
  outbound: [
    'sip_call_id',
    'sip_full_from',
    'sip_full_to',
    'sip_recover_contact',
    'sip_recover_via',
    'sip_contact_user',
  ],
} as const;

const MEDIA = ['local_media_ip', 'local_media_port', 'remote_media_ip', 'remote_media_port'] as const;

/** Parses and validates a row; RecoveryRowError names the row and what is missing. */
export function parseRecoveryRow(row: RecoveryRow): StoredLeg {
  const id = row.uuid || '(no uuid)';
  const doc = parseCdr(row.metadata, id);
  const vars = new Map(doc.variables);
  const direction = vars.get('direction');
  if (direction !== 'inbound' && direction !== 'outbound') {
    throw new RecoveryRowError(
      id,
      `variable direction is ${JSON.stringify(direction)}, want inbound|outbound`,
    );
  }
  const missing = [...REQUIRED[direction], ...MEDIA].filter((k) => !vars.get(k));
  if (missing.length > 0) throw new RecoveryRowError(id, `metadata lacks ${missing.join(', ')}`);
  const port = (k: string): number => {
    const n = Number(vars.get(k));
    if (!Number.isInteger(n) || n <= 0 || n > 65_535)
      throw new RecoveryRowError(id, `${k} is not a port: ${vars.get(k)}`);
    return n;
  };
  const leg: StoredLeg = {
    row,
    doc,
    vars,
    uuid: vars.get('uuid') || row.uuid,
    direction,
    callId: vars.get('sip_call_id') as string,
    localMediaIp: vars.get('local_media_ip') as string,
    localMediaPort: port('local_media_port'),
    remoteMediaIp: vars.get('remote_media_ip') as string,
    remoteMediaPort: port('remote_media_port'),
  };
  const partner = vars.get('signal_bond') || vars.get('bridge_to');
  if (partner) leg.partnerUuid = partner;
  const app = vars.get('current_application');
  if (app) leg.app = app;
  return leg;
}
