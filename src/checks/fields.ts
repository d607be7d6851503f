// Field readers for event values: values arrive as unknown (from jsonl), so reads are checked, not cast.

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === 'object' && v !== null ? (v as Rec) : {});

/** Typed, tolerant reads of event value fields: a missing or mistyped field reads as undefined. */
export const fields = {
  num(v: unknown, key: string): number | undefined {
    const x = rec(v)[key];
    return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
  },
  str(v: unknown, key: string): string | undefined {
    const x = rec(v)[key];
    return typeof x === 'string' ? x : undefined;
  },
  /** A string or a list of strings, as a list (fault targets may be either). */
  strs(v: unknown, key: string): string[] {
    const x = rec(v)[key];
    if (typeof x === 'string') return [x];
    return Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : [];
  },
  arr(v: unknown, key: string): unknown[] {
    const x = rec(v)[key];
    return Array.isArray(x) ? x : [];
  },
  has(v: unknown, key: string): boolean {
    return rec(v)[key] !== undefined;
  },
};
