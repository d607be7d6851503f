// Reader for recovery rows dumped with PostgreSQL COPY ... TO STDOUT (text format, with header).
import { RecoveryRowError } from '../common/errors.js';
import { RECOVERY_COLUMNS, type RecoveryRow } from './recovery-row.js';

const SIMPLE_ESCAPES: Record<string, string> = {
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

/** Decodes one COPY text-format field (`\N` is NULL); throws on a dangling backslash. */
export function decodeCopyField(field: string): string | null {
  if (field === '\\N') return null;
  if (!field.includes('\\')) return field;
  return field.replace(/\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.|$)/gs, (_m, esc: string) => {
    if (esc === '') throw new Error('field ends in a lone backslash');
    const simple = SIMPLE_ESCAPES[esc];
    if (simple !== undefined) return simple;
    if (esc[0] === 'x' && esc.length > 1) return String.fromCharCode(Number.parseInt(esc.slice(1), 16));
    if (/^[0-7]+$/.test(esc)) return String.fromCharCode(Number.parseInt(esc, 8) & 0xff);
    return esc; // COPY: any other escaped character stands for itself
  });
}

/** Parses a COPY text dump of the recovery table (header line required) into rows. */
export function parseRecoveryTsv(text: string, source = 'tsv'): RecoveryRow[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const header = lines.shift()?.split('\t') ?? [];
  const index = RECOVERY_COLUMNS.map((c) => header.indexOf(c));
  const missing = RECOVERY_COLUMNS.filter((_c, i) => index[i] === -1);
  if (missing.length)
    throw new RecoveryRowError(`${source}:1`, `header lacks column(s) ${missing.join(', ')}`);
  return lines.map((line, i) => {
    const where = `${source}:${i + 2}`;
    const fields = line.split('\t');
    if (fields.length !== header.length)
      throw new RecoveryRowError(where, `${fields.length} fields, header has ${header.length}`);
    const get = (col: number): string => {
      const raw = fields[index[col]!]!;
      try {
        return decodeCopyField(raw) ?? '';
      } catch (e) {
        throw new RecoveryRowError(where, `column ${RECOVERY_COLUMNS[col]}: ${(e as Error).message}`);
      }
    };
    return {
      runtimeUuid: get(0),
      technology: get(1),
      profileName: get(2),
      hostname: get(3),
      uuid: get(4),
      metadata: get(5),
    };
  });
}

/** Encodes a string as one COPY text-format field. */
export function encodeCopyField(value: string | null): string {
  if (value === null) return '\\N';
  return value.replace(/[\\\n\r\t]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t',
  );
}
