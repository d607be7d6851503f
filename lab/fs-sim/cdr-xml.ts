// The recovery row's metadata: FreeSWITCH's XML CDR with URL-encoded channel variables.
import { RecoveryRowError } from '../../src/common/errors.js';
import { fsUrlDecode, fsUrlEncode } from './url-encode.js';

/** One channel's CDR as FreeSWITCH stores it in recovery.metadata (values decoded). */
export interface CdrDocument {
  coreUuid: string;
  switchname: string;
  /** channel_data children in order: state, direction, state_number, flags, caps. */
  channelData: Array<[string, string]>;
  /** Channel variables in order, decoded. */
  variables: Array<[string, string]>;
  /** Everything after </variables> (app_log, callflow...), kept as FreeSWITCH wrote it. */
  tail: string;
  /** The <call-stats> block as stored (lines inside it); absent = all counters zero. */
  callStats?: string;
}

const IN_STATS = [
  'raw_bytes',
  'media_bytes',
  'packet_count',
  'media_packet_count',
  'skip_packet_count',
  'jitter_packet_count',
  'dtmf_packet_count',
  'cng_packet_count',
  'flush_packet_count',
  'largest_jb_size',
];
const IN_FLOATS: Array<[string, string]> = [
  ['jitter_min_variance', '0.00'],
  ['jitter_max_variance', '0.00'],
  ['jitter_loss_rate', '0.00'],
  ['jitter_burst_rate', '0.00'],
  ['mean_interval', '0.00'],
  ['flaw_total', '0'],
  ['quality_percentage', '100.00'],
  ['mos', '4.50'],
];
const OUT_STATS = [
  'raw_bytes',
  'media_bytes',
  'packet_count',
  'media_packet_count',
  'skip_packet_count',
  'dtmf_packet_count',
  'cng_packet_count',
  'rtcp_packet_count',
  'rtcp_octet_count',
];

const escapeAttr = (v: string): string =>
  v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Renders the metadata text exactly in FreeSWITCH's layout (2-space indent, LF, trailing newline). */
export function renderCdr(doc: CdrDocument): string {
  const lines: string[] = [
    `<cdr core-uuid="${escapeAttr(doc.coreUuid)}" switchname="${escapeAttr(doc.switchname)}">`,
  ];
  lines.push('  <channel_data>');
  for (const [k, v] of doc.channelData) lines.push(`    <${k}>${v}</${k}>`);
  lines.push('  </channel_data>', '  <call-stats>');
  if (doc.callStats !== undefined) lines.push(doc.callStats);
  else {
    lines.push('    <audio>', '      <inbound>');
    for (const k of IN_STATS) lines.push(`        <${k}>0</${k}>`);
    for (const [k, v] of IN_FLOATS) lines.push(`        <${k}>${v}</${k}>`);
    lines.push('      </inbound>', '      <outbound>');
    for (const k of OUT_STATS) lines.push(`        <${k}>0</${k}>`);
    lines.push('      </outbound>', '    </audio>');
  }
  lines.push('  </call-stats>', '  <variables>');
  for (const [k, v] of doc.variables) lines.push(`    <${k}>${fsUrlEncode(v)}</${k}>`);
  lines.push('  </variables>');
  return `${lines.join('\n')}\n${doc.tail}</cdr>\n`;
}

const ELEMENT = /<([A-Za-z0-9_.-]+)>([^<]*)<\/\1>/g;

/** Parses recovery metadata; rowId names the row in errors. Accepts a leading <?xml?> declaration. */
export function parseCdr(xml: string, rowId = '?'): CdrDocument {
  const head = /<cdr\s+([^>]*)>/.exec(xml);
  if (!head) throw new RecoveryRowError(rowId, 'metadata has no <cdr> element');
  const attr = (name: string): string | undefined => new RegExp(`${name}="([^"]*)"`).exec(head[1] ?? '')?.[1];
  const coreUuid = attr('core-uuid');
  const switchname = attr('switchname');
  if (coreUuid === undefined) throw new RecoveryRowError(rowId, 'metadata <cdr> lacks core-uuid');
  if (switchname === undefined) throw new RecoveryRowError(rowId, 'metadata <cdr> lacks switchname');
  const section = (name: string): { body: string; end: number } | undefined => {
    const open = xml.indexOf(`<${name}>`);
    const close = xml.indexOf(`</${name}>`, open);
    if (open < 0 || close < 0) return undefined;
    return { body: xml.slice(open + name.length + 2, close), end: close + name.length + 3 };
  };
  const vars = section('variables');
  if (!vars) throw new RecoveryRowError(rowId, 'metadata has no <variables> section');
  const channel = section('channel_data');
  const pairs = (body: string, decode: boolean): Array<[string, string]> =>
    [...body.matchAll(ELEMENT)].map((m) => [
      m[1] as string,
      decode ? fsUrlDecode(m[2] as string) : (m[2] as string),
    ]);
  const cdrEnd = xml.lastIndexOf('</cdr>');
  let tail = xml.slice(vars.end, cdrEnd < 0 ? xml.length : cdrEnd);
  tail = tail.replace(/^\s*\n/, '');
  const doc: CdrDocument = {
    coreUuid,
    switchname,
    channelData: channel ? pairs(channel.body, false) : [],
    variables: pairs(vars.body, true),
    tail: tail.replace(/\s+$/, '\n'),
  };
  const stats = section('call-stats');
  if (stats) doc.callStats = stats.body.replace(/^\n/, '').replace(/\n\s*$/, '');
  return doc;
}

/** Variables as a map (last value wins, as FreeSWITCH's event headers would). */
export function variableMap(doc: CdrDocument): Map<string, string> {
  return new Map(doc.variables);
}
