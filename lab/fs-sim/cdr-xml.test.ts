import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCdr, renderCdr } from './cdr-xml.js';
import { parseRecoveryRow } from './recovery-row.js';
import { parseRecoveryTsv } from './recovery-tsv.js';
import { fsUrlDecode, fsUrlEncode } from './url-encode.js';

const FIX = '/work/shared/fixtures/freeswitch-1.10.12';
const tsvFiles = ['recovery', 'per-node'].flatMap((d) =>
  readdirSync(join(FIX, d))
    .filter((f) => f.endsWith('.tsv'))
    .map((f) => join(FIX, d, f)),
);
const rows = tsvFiles.flatMap((f) =>
  parseRecoveryTsv(readFileSync(f, 'utf8'), f).map((r) => ({ file: f, row: r })),
);

describe('fixture recovery rows (fidelity of the metadata format)', () => {
  it('finds the fixture rows', () => {
    expect(tsvFiles.length).toBeGreaterThanOrEqual(11);
    expect(rows.length).toBeGreaterThanOrEqual(40);
  });

  it.each(rows.map((r) => [`${r.file.split('/').slice(-2).join('/')} ${r.row.uuid}`, r.row] as const))(
    'fidelity: %s re-renders byte for byte',
    (_name, row) => {
      const doc = parseCdr(row.metadata, row.uuid);
      expect(doc.coreUuid).toBe(row.runtime_uuid);
      expect(doc.switchname).toBe(row.hostname);
      expect(renderCdr(doc)).toBe(row.metadata);
    },
  );

  it.each(rows.map((r) => [r.row.uuid, r.row] as const))(
    'fidelity: row %s parses into a recoverable leg',
    (_n, row) => {
      const leg = parseRecoveryRow(row);
      expect(leg.uuid).toBe(row.uuid);
      expect(leg.callId.length).toBeGreaterThan(5);
      expect(leg.localMediaPort).toBeGreaterThan(1024);
    },
  );

  it('URL encoding matches FreeSWITCH on every stored value', () => {
    for (const { row } of rows) {
      const raw = [...row.metadata.matchAll(/<([a-zA-Z0-9_-]+)>([^<]*)<\/\1>/g)];
      const varsStart = row.metadata.indexOf('<variables>');
      const varsEnd = row.metadata.indexOf('</variables>');
      for (const m of raw) {
        if ((m.index ?? 0) < varsStart || (m.index ?? 0) > varsEnd) continue;
        expect(fsUrlEncode(fsUrlDecode(m[2] as string))).toBe(m[2]);
      }
    }
  });
});

describe('fsUrlEncode', () => {
  it('keeps / , . - and encodes SIP punctuation', () => {
    expect(fsUrlEncode('SIP/2.0/UDP 1.2.3.4;rport;branch=z9')).toBe(
      'SIP/2.0/UDP%201.2.3.4%3Brport%3Bbranch%3Dz9',
    );
    expect(fsUrlEncode('"a" <sip:u@h:5>')).toBe('%22a%22%20%3Csip%3Au%40h%3A5%3E');
    expect(fsUrlEncode('PCMU,PCMA')).toBe('PCMU,PCMA');
    expect(fsUrlEncode('v=0\r\n')).toBe('v%3D0%0D%0A');
  });
});

describe('parseCdr errors', () => {
  it('names the row and the problem', () => {
    expect(() => parseCdr('<xml/>', 'row-1')).toThrow(/recovery row row-1: metadata has no <cdr>/);
    expect(() => parseCdr('<cdr core-uuid="a" switchname="b"></cdr>', 'row-2')).toThrow(
      /row-2.*no <variables>/,
    );
  });
  it('rejects a row without the variables recovery needs', () => {
    const metadata =
      '<cdr core-uuid="a" switchname="b">\n  <variables>\n    <direction>inbound</direction>\n  </variables>\n</cdr>\n';
    const row = {
      runtime_uuid: 'a',
      technology: 'sofia',
      profile_name: 'internal',
      hostname: 'b',
      uuid: 'u1',
      metadata,
    };
    expect(() => parseRecoveryRow(row)).toThrow(/recovery row u1: metadata lacks sip_call_id/);
  });
});
