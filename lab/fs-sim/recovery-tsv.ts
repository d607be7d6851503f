// Recovery rows as psql COPY text (tab-separated, backslash escapes): how the fixtures store them.
import { RecoveryRowError } from '../../src/common/errors.js';
import type { RecoveryRow } from './recovery-row.js';

const COLUMNS = ['runtime_uuid', 'technology', 'profile_name', 'hostname', 'uuid', 'metadata'] as const;

/** Undoes COPY text escapes: \n, \t, \r, \\. */
export function unescapeCopy(field: string): string {
  return field.replace(/\\(.)/g, (_, c: string) =>
    c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c,
  );
}

/** Parses a header line + rows; source names the file in errors. */
export function parseRecoveryTsv(text: string, source: string): RecoveryRow[] {
  const lines = text.split('\n').filter((l) => l.length > 0);
  const header = lines.shift()?.split('\t') ?? [];
  if (COLUMNS.some((c, i) => header[i] !== c)) {
    throw new RecoveryRowError(source, `header is ${header.join(',')}, want ${COLUMNS.join(',')}`);
  }
  return lines.map((line, i) => {
    const f = line.split('\t').map(unescapeCopy);
    if (f.length !== COLUMNS.length)
      throw new RecoveryRowError(`${source}:${i + 2}`, `has ${f.length} fields, want 6`);
    const [runtime_uuid, technology, profile_name, hostname, uuid, metadata] = f as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    return { runtime_uuid, technology, profile_name, hostname, uuid, metadata };
  });
}
