// Rewrites one recovery row so that another node's FreeSWITCH can recover it, and proves nothing old is left.
import { RecoveryRowError } from '../common/errors.js';
import { boundedIpPattern, containsIp, countIpOccurrences, enclosingElement } from './address-pattern.js';
import type { NodeHost } from './node-host.js';
import type { RecoveryLeg } from './recovery-leg.js';
import type { RecoveryRow } from './recovery-row.js';

// Variables that carry the media address; everything else that names the node carries its SIP address.
const MEDIA_ELEMENT = /media|sdp|rtp|rtcp/i;

/** What to rewrite a row into. */
export interface RewriteOptions {
  from: NodeHost;
  to: NodeHost;
  /** New local media port when the leg's port collides on the target; default: keep it. */
  mediaPort?: number;
}

/**
 * Returns the row as the target node must see it: `hostname`, `profile_name`, `<cdr switchname>`,
 * every bounded occurrence of the source's SIP and media address, `recovery_profile_name`,
 * `sofia_profile_name` and (if asked) `local_media_port`. Throws RecoveryRowError if the row does not
 * belong to `from` or if anything of the source is left afterwards; the input row is never modified.
 */
export function rewriteRecoveryRow(row: RecoveryRow, leg: RecoveryLeg, opts: RewriteOptions): RecoveryRow {
  const { from, to } = opts;
  const fail = (problem: string): never => {
    throw new RecoveryRowError(row.uuid, problem);
  };
  if (leg.uuid !== row.uuid) fail(`leg ${leg.uuid} does not belong to this row`);
  if (leg.switchname !== from.switchname)
    fail(
      `<cdr switchname="${leg.switchname}"> is not source node ${from.node}'s switchname ${from.switchname}`,
    );
  if (leg.localMediaIp !== from.mediaIp || leg.advertisedMediaIp !== from.mediaIp)
    fail(
      `media ip ${leg.localMediaIp}/${leg.advertisedMediaIp} is not source node ${from.node}'s ${from.mediaIp}`,
    );

  let metadata =
    replaceSwitchname(row.metadata, from.switchname, to.switchname) ?? fail('no <cdr switchname>');
  metadata = replaceAddresses(metadata, from, to);
  if (leg.profile !== to.profile) {
    metadata = replaceVariable(metadata, 'recovery_profile_name', to.profile);
    metadata = replaceVariable(metadata, 'sofia_profile_name', to.profile);
  }
  const port = opts.mediaPort ?? leg.localMediaPort;
  if (port !== leg.localMediaPort) metadata = replaceMediaPort(metadata, leg.localMediaPort, port);

  const out: RecoveryRow = { ...row, hostname: to.switchname, profileName: to.profile, metadata };
  verifyRewritten(out, from, to, port);
  return out;
}

/** Throws RecoveryRowError if a rewritten row still names the source or misses the target's media. */
export function verifyRewritten(row: RecoveryRow, from: NodeHost, to: NodeHost, mediaPort: number): void {
  const left: string[] = [];
  if (containsIp(row.metadata, [from.sipIp, from.mediaIp]))
    for (const ip of new Set([from.sipIp, from.mediaIp])) {
      const n = countIpOccurrences(row.metadata, ip);
      if (n > 0) left.push(`${n}× ${ip}`);
    }
  if (row.metadata.includes(`switchname="${from.switchname}"`)) left.push(`switchname="${from.switchname}"`);
  if (row.hostname === from.switchname && from.switchname !== to.switchname)
    left.push(`hostname ${row.hostname}`);
  if (left.length) throw new RecoveryRowError(row.uuid, `after rewrite still references ${left.join(', ')}`);
  const expect = (name: string, value: string) => {
    const got = variableValue(row.metadata, name);
    if (got !== value)
      throw new RecoveryRowError(row.uuid, `after rewrite ${name} is '${got}', expected '${value}'`);
  };
  expect('local_media_ip', to.mediaIp);
  const advertised = variableValue(row.metadata, 'advertised_media_ip');
  if (advertised !== undefined) expect('advertised_media_ip', to.mediaIp);
  expect('local_media_port', String(mediaPort));
}

function replaceSwitchname(metadata: string, from: string, to: string): string | undefined {
  const open = /<cdr\b[^>]*>/.exec(metadata);
  if (!open) return undefined;
  const tag = open[0].replace(` switchname="${from}"`, ` switchname="${to}"`);
  return metadata.slice(0, open.index) + tag + metadata.slice(open.index + open[0].length);
}

function replaceAddresses(metadata: string, from: NodeHost, to: NodeHost): string {
  const olds = [from.sipIp, from.mediaIp];
  // One address on each side: no need to know which element a hit is in.
  const ambiguous = from.sipIp === from.mediaIp && to.sipIp !== to.mediaIp;
  return metadata.replace(boundedIpPattern(olds), (ip: string, offset: number) => {
    if (ambiguous) return MEDIA_ELEMENT.test(enclosingElement(metadata, offset)) ? to.mediaIp : to.sipIp;
    return ip === from.mediaIp ? to.mediaIp : to.sipIp;
  });
}

function replaceVariable(metadata: string, name: string, value: string): string {
  return metadata.replace(new RegExp(`<${name}>[^<]*</${name}>`), `<${name}>${value}</${name}>`);
}

function replaceMediaPort(metadata: string, oldPort: number, newPort: number): string {
  let out = replaceVariable(metadata, 'local_media_port', String(newPort));
  // The local SDP is URL-encoded: m=audio 16642 RTP/AVP ... and possibly a=rtcp:16643
  out = out.replace(
    new RegExp(`(<rtp_local_sdp_str>[^<]*?m%3Daudio%20)${oldPort}(%20)`),
    (_m, pre: string, post: string) => `${pre}${newPort}${post}`,
  );
  return out.replace(
    new RegExp(`(<rtp_local_sdp_str>[^<]*?a%3Drtcp%3A)${oldPort + 1}(?![0-9])`),
    (_m, pre: string) => `${pre}${newPort + 1}`,
  );
}

function variableValue(metadata: string, name: string): string | undefined {
  const open = `<${name}>`;
  const start = metadata.indexOf(open, Math.max(0, metadata.indexOf('<variables>')));
  if (start < 0) return undefined;
  const end = metadata.indexOf('<', start + open.length);
  return end < 0 ? undefined : metadata.slice(start + open.length, end);
}
