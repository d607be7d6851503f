// Strict parse of a recovery row's XML CDR metadata into a typed RecoveryLeg.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { RecoveryRowError } from '../common/errors.js';
import type { RecoveryLeg } from './recovery-leg.js';
import type { RecoveryRow } from './recovery-row.js';

// Elements FreeSWITCH repeats in an XML CDR: one <callflow> per caller-profile, <application> per app.
const REPEATED = new Set(['callflow', 'application', 'extension']);

// Sections migration never reads are kept as raw text (already validated): parsing them costs ~40%.
const SKIPPED = ['channel_data', 'call-stats', 'app_log', 'callflow.extension', 'callflow.times'].map(
  (p) => `cdr.${p}`,
);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  processEntities: true,
  isArray: (name) => REPEATED.has(name),
  stopNodes: SKIPPED,
});

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IPV4_RE = /^\d{1,3}(\.\d{1,3}){3}$/;

type XmlNode = Record<string, unknown>;
const isNode = (v: unknown): v is XmlNode => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses and validates one recovery row; throws RecoveryRowError naming the row and the problem. */
export function parseRecoveryRow(row: RecoveryRow): RecoveryLeg {
  const fail = (problem: string, cause?: unknown): never => {
    throw new RecoveryRowError(row.uuid || '(no uuid)', problem, cause === undefined ? undefined : { cause });
  };
  if (!UUID_RE.test(row.uuid)) fail(`uuid '${row.uuid}' is not a UUID`);
  if (row.metadata.trim() === '') fail('metadata is empty');
  const ctl = forbiddenControl(row.metadata);
  if (ctl !== undefined) fail(`metadata contains control character U+${ctl}, which XML forbids`);
  const valid = XMLValidator.validate(row.metadata);
  if (valid !== true) fail(`metadata is not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  let doc: unknown;
  try {
    doc = parser.parse(row.metadata);
  } catch (e) {
    fail(`metadata cannot be parsed: ${(e as Error).message}`, e);
  }
  const cdr = isNode(doc) ? doc.cdr : undefined;
  if (!isNode(cdr)) return fail('metadata has no <cdr> root element');
  const switchname = cdr['@_switchname'];
  if (typeof switchname !== 'string' || switchname === '') return fail('<cdr> has no switchname attribute');
  const vars = cdr.variables;
  if (!isNode(vars)) return fail('metadata has no <variables>');

  const variables = new Map<string, string>();
  for (const [name, raw] of Object.entries(vars)) {
    const first = Array.isArray(raw) ? raw[0] : raw;
    if (typeof first !== 'string') continue; // a nested element is not a channel variable
    variables.set(name, urlDecode(first) ?? first);
  }
  const text = (name: string): string | undefined => {
    const raw = vars[name];
    const first = Array.isArray(raw) ? raw[0] : raw;
    if (first === undefined || first === '') return undefined;
    if (typeof first !== 'string') return fail(`variable ${name} is not a text value`);
    const decoded = urlDecode(first);
    return decoded ?? fail(`variable ${name} has a broken URL escape: '${first.slice(0, 60)}'`);
  };
  const need = (name: string): string => text(name) ?? fail(`variable ${name} is missing`);
  const ip = (name: string, required: boolean): string | undefined => {
    const v = required ? need(name) : text(name);
    if (v !== undefined && !IPV4_RE.test(v)) fail(`variable ${name} '${v}' is not an IPv4 address`);
    return v;
  };
  const port = (name: string, required: boolean): number | undefined => {
    const v = required ? need(name) : text(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!/^\d{1,5}$/.test(v) || n < 1 || n > 65535) fail(`variable ${name} '${v}' is not a port`);
    return n;
  };

  const uuid = need('uuid');
  if (uuid !== row.uuid) fail(`metadata uuid ${uuid} differs from the row's uuid`);
  const direction = need('direction');
  if (direction !== 'inbound' && direction !== 'outbound') return fail(`direction '${direction}' is unknown`);
  const partnerUuid = text('signal_bond') ?? text('bridge_to') ?? text('originator');
  if (partnerUuid !== undefined && !UUID_RE.test(partnerUuid))
    fail(`bridge partner '${partnerUuid}' is not a UUID`);
  if (partnerUuid === row.uuid) fail('the leg names itself as its bridge partner');

  const room =
    text('conference_name') ??
    conferenceFromApplication(
      text('current_application'),
      text('current_application_data'),
      text('last_transfered_conference'),
    );
  return {
    uuid,
    direction,
    callId: need('sip_call_id'),
    fromTag: need('sip_from_tag'),
    toTag: need('sip_to_tag'),
    partnerUuid,
    conference: text('conference_uuid') ?? room,
    ...(room !== undefined ? { conferenceRoom: room } : {}),
    profile: text('recovery_profile_name') ?? row.profileName,
    localMediaIp: ip('local_media_ip', true)!,
    advertisedMediaIp: ip('advertised_media_ip', false) ?? ip('local_media_ip', true)!,
    localMediaPort: port('local_media_port', true)!,
    remoteMediaIp: ip('remote_media_ip', false),
    remoteMediaPort: port('remote_media_port', false),
    switchname,
    runtimeUuid: row.runtimeUuid,
    callerIdNumber: text('caller_id_number') ?? callerProfileField(cdr, 'caller_id_number'),
    destinationNumber: text('destination_number') ?? callerProfileField(cdr, 'destination_number'),
    variables,
  };
}

/**
 * The room a leg's running `conference` application is in, for a row that lacks conference_name and
 * conference_uuid (FreeSWITCH sets them as the member joins, and a row written before that has neither).
 * Parsed as mod_conference parses its data: `+flags{...}` cut off, an optional `bridge:` prefix with its
 * `:ENDPOINT`, the name up to a `+PIN`, and an `@PROFILE` after the last '@'. A transferred member
 * (last_transfered_conference) is in the room it was transferred to.
 */
export function conferenceFromApplication(
  app: string | undefined,
  data: string | undefined,
  transferredTo?: string,
): string | undefined {
  if (app !== 'conference') return undefined;
  if (transferredTo !== undefined) return transferredTo;
  if (data === undefined) return undefined;
  let name = data;
  const flags = name.indexOf('+flags{');
  if (flags !== -1) name = name.slice(0, flags);
  if (name.toLowerCase().startsWith('bridge:')) name = name.slice('bridge:'.length).split(':')[0]!;
  name = name.replace(/^ +/, '');
  const pin = name.indexOf('+');
  if (pin !== -1) name = name.slice(0, pin);
  const at = name.lastIndexOf('@');
  if (at !== -1) name = name.slice(0, at);
  return name === '' ? undefined : name;
}

/** Outcome of parsing many rows: the legs, and one error per malformed row. */
export interface ParsedRows {
  legs: RecoveryLeg[];
  errors: RecoveryRowError[];
}

/** Parses every row, collecting malformed ones instead of stopping at the first. */
export function parseRecoveryRows(rows: readonly RecoveryRow[]): ParsedRows {
  const legs: RecoveryLeg[] = [];
  const errors: RecoveryRowError[] = [];
  for (const row of rows) {
    try {
      legs.push(parseRecoveryRow(row));
    } catch (e) {
      if (e instanceof RecoveryRowError) errors.push(e);
      else errors.push(new RecoveryRowError(row.uuid, (e as Error).message, { cause: e }));
    }
  }
  return { legs, errors };
}

function callerProfileField(cdr: XmlNode, field: string): string | undefined {
  const flows = cdr.callflow;
  const first = Array.isArray(flows) ? flows[0] : undefined;
  const profile = isNode(first) ? first.caller_profile : undefined;
  const v = isNode(profile) ? profile[field] : undefined;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Hex code of the first control character XML 1.0 forbids (all below U+0020 but tab, LF, CR). */
function forbiddenControl(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return c.toString(16).padStart(4, '0');
  }
  return undefined;
}

function urlDecode(value: string): string | undefined {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
