import { describe, expect, it } from 'vitest';
import { fixtureRows, SOURCE_DUMPS } from '../../test/support/recovery-fixtures.js';
import { decodeCopyField, encodeCopyField, parseRecoveryTsv } from './parse-recovery-tsv.js';

describe('parseRecoveryTsv', () => {
  it('decodes COPY text escapes', () => {
    expect(decodeCopyField('a\\nb\\tc\\\\d\\re')).toBe('a\nb\tc\\d\re');
    expect(decodeCopyField('\\N')).toBeNull();
    expect(decodeCopyField('\\101\\x42')).toBe('AB');
    expect(() => decodeCopyField('oops\\')).toThrow(/lone backslash/);
  });

  it('round-trips through encodeCopyField', () => {
    const s = 'x\ty\nz\\w\r';
    expect(decodeCopyField(encodeCopyField(s))).toBe(s);
  });

  it('reads every fixture dump into complete rows with multi-line XML metadata', () => {
    for (const dump of SOURCE_DUMPS) {
      const rows = fixtureRows(dump);
      expect(rows).toHaveLength(6);
      for (const r of rows) {
        expect(r.uuid).toMatch(/^[0-9a-f-]{36}$/);
        expect(r.hostname).toBe('fs-a');
        expect(r.metadata.startsWith('<cdr ')).toBe(true);
        expect(r.metadata).toContain('\n  <variables>');
        expect(r.metadata.trimEnd().endsWith('</cdr>')).toBe(true);
      }
    }
  });

  it('names the line of a row with the wrong number of fields', () => {
    const text = 'runtime_uuid\ttechnology\tprofile_name\thostname\tuuid\tmetadata\nonly\ttwo\n';
    expect(() => parseRecoveryTsv(text, 'dump.tsv')).toThrow(/dump\.tsv:2: 2 fields, header has 6/);
  });
});
