import { describe, expect, it } from 'vitest';
import {
  fixtureHosts,
  fixtureRows,
  REFERENCE_MOVES,
  SOURCE_DUMPS,
} from '../../test/support/recovery-fixtures.js';
import { isRecoveryRowError } from '../common/errors.js';
import { countIpOccurrences } from './address-pattern.js';
import type { NodeHost } from './node-host.js';
import { parseRecoveryRow } from './parse-recovery-row.js';
import { rewriteRecoveryRow } from './rewrite-recovery-row.js';

const [a, b] = fixtureHosts() as [NodeHost, NodeHost];

describe('rewriteRecoveryRow', () => {
  it('leaves no occurrence of the old address or switchname in any fixture row', () => {
    for (const dump of SOURCE_DUMPS) {
      for (const row of fixtureRows(dump)) {
        const before = countIpOccurrences(row.metadata, a.sipIp);
        expect(before).toBeGreaterThanOrEqual(11);
        const out = rewriteRecoveryRow(row, parseRecoveryRow(row), { from: a, to: b });
        expect(countIpOccurrences(out.metadata, a.sipIp)).toBe(0);
        expect(out.metadata).not.toContain('switchname="fs-a"');
        expect(out.metadata).toContain('switchname="fs-b"');
        expect(out.hostname).toBe('fs-b');
        expect(countIpOccurrences(out.metadata, b.sipIp)).toBe(before);
        // the remote party's addresses are not the node's and stay
        expect(
          countIpOccurrences(out.metadata, '127.0.0.11') + countIpOccurrences(out.metadata, '127.0.0.1'),
        ).toBe(
          countIpOccurrences(row.metadata, '127.0.0.11') + countIpOccurrences(row.metadata, '127.0.0.1'),
        );
        const leg = parseRecoveryRow(out);
        expect(leg).toMatchObject({
          switchname: 'fs-b',
          localMediaIp: '127.0.0.3',
          advertisedMediaIp: '127.0.0.3',
        });
      }
    }
  });

  it('produces byte for byte the rows that real FreeSWITCH recovered after the reference SQL move', () => {
    for (const { before, after } of REFERENCE_MOVES) {
      const reference = new Map(fixtureRows(after).map((r) => [r.uuid, r]));
      for (const row of fixtureRows(before)) {
        const out = rewriteRecoveryRow(row, parseRecoveryRow(row), { from: a, to: b });
        const ref = reference.get(row.uuid)!;
        expect(out.metadata).toBe(ref.metadata);
        expect([out.hostname, out.profileName, out.runtimeUuid]).toEqual([
          ref.hostname,
          ref.profileName,
          ref.runtimeUuid,
        ]);
      }
    }
  });

  it('keeps URL-encoding around rewritten addresses', () => {
    const row = fixtureRows('exp2-recovery-before-fs_a.tsv')[0]!;
    const out = rewriteRecoveryRow(row, parseRecoveryRow(row), { from: a, to: b });
    expect(out.metadata).toContain(
      '<sofia_profile_url>sip%3Amod_sofia%40127.0.0.3%3A5060</sofia_profile_url>',
    );
    expect(out.metadata).toContain('IN%20IP4%20127.0.0.3%0D%0A');
  });

  it('puts the media address into media variables and the SIP address elsewhere when they differ', () => {
    const c: NodeHost = { ...b, node: 'c', switchname: 'fs-c', sipIp: '198.18.9.5', mediaIp: '198.18.10.5' };
    const row = fixtureRows('exp2-recovery-before-fs_a.tsv').find((r) =>
      r.metadata.includes('<direction>outbound'),
    )!;
    const out = rewriteRecoveryRow(row, parseRecoveryRow(row), { from: a, to: c });
    const leg = parseRecoveryRow(out);
    expect(leg.localMediaIp).toBe('198.18.10.5');
    expect(leg.advertisedMediaIp).toBe('198.18.10.5');
    expect(leg.variables.get('rtp_local_sdp_str')).toContain('c=IN IP4 198.18.10.5');
    expect(leg.variables.get('sip_local_network_addr')).toBe('198.18.9.5');
    expect(leg.variables.get('sip_recover_via')).toMatch(/^SIP\/2\.0\/UDP 198\.18\.9\.5;rport/);
    expect(countIpOccurrences(out.metadata, '127.0.0.2')).toBe(0);
  });

  it('moves the media port in local_media_port and the local SDP when asked', () => {
    const row = fixtureRows('exp2-recovery-before-fs_a.tsv')[0]!;
    const leg = parseRecoveryRow(row);
    const out = rewriteRecoveryRow(row, leg, { from: a, to: b, mediaPort: 10_002 });
    const moved = parseRecoveryRow(out);
    expect(moved.localMediaPort).toBe(10_002);
    expect(moved.variables.get('rtp_local_sdp_str')).toContain('m=audio 10002 RTP/AVP');
    expect(moved.variables.get('rtp_local_sdp_str')).not.toContain(`m=audio ${leg.localMediaPort} `);
  });

  it('renames the profile when the target recovers under another profile name', () => {
    const row = fixtureRows('exp2-recovery-before-fs_a.tsv')[0]!;
    const out = rewriteRecoveryRow(row, parseRecoveryRow(row), {
      from: a,
      to: { ...b, profile: 'external' },
    });
    expect(out.profileName).toBe('external');
    expect(parseRecoveryRow(out).profile).toBe('external');
  });

  it('refuses a row that does not belong to the source node, and leaves it untouched', () => {
    const row = fixtureRows('exp2-recovery-before-fs_b.tsv')[0]!;
    const copy = structuredClone(row);
    let error: unknown;
    try {
      rewriteRecoveryRow(row, parseRecoveryRow(row), { from: a, to: b });
    } catch (e) {
      error = e;
    }
    expect(isRecoveryRowError(error) && error.uuid === row.uuid).toBe(true);
    expect(String(error)).toMatch(/switchname="fs-b"> is not source node a's switchname fs-a/);
    expect(row).toEqual(copy);
  });

  it('refuses a row whose media address is not the source node', () => {
    const row = fixtureRows('exp2-recovery-before-fs_a.tsv')[0]!;
    const other = { ...a, mediaIp: '127.0.0.9' };
    expect(() => rewriteRecoveryRow(row, parseRecoveryRow(row), { from: other, to: b })).toThrow(
      /media ip 127\.0\.0\.2\/127\.0\.0\.2 is not source node a's 127\.0\.0\.9/,
    );
  });
});
