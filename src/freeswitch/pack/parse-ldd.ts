// ldd output as data: which shared objects a binary or module needs, and where the loader found them.

/** One line of `ldd FILE`. */
export interface LddEntry {
  /** The soname asked for (`libc.so.6`), or the loader's own path for the interpreter line. */
  soname: string;
  /** Where the loader resolved it; undefined when `not found`. */
  path?: string;
}

/** What ldd said about one file. */
export type LddReport =
  | { kind: 'dynamic'; entries: LddEntry[] }
  /** `not a dynamic executable` / `statically linked`: nothing to resolve. */
  | { kind: 'static' };

// The kernel's vDSO is mapped by the kernel, never a file.
const VIRTUAL = /^linux-(vdso|gate)\.so/;

/** Parses ldd's text; lines it does not understand are ignored (ldd also prints warnings). */
export function parseLdd(text: string): LddReport {
  if (/not a dynamic executable|statically linked/.test(text)) return { kind: 'static' };
  const entries: LddEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    let m = /^(\S+) => not found$/.exec(line);
    if (m) {
      entries.push({ soname: m[1]! });
      continue;
    }
    m = /^(\S+) => (\/\S+) \(0x[0-9a-f]+\)$/.exec(line);
    if (m) {
      if (!VIRTUAL.test(m[1]!)) entries.push({ soname: m[1]!, path: m[2]! });
      continue;
    }
    m = /^(\/\S+) \(0x[0-9a-f]+\)$/.exec(line);
    if (m) {
      entries.push({ soname: m[1]!.split('/').pop()!, path: m[1]! });
      continue;
    }
    m = /^(\S+) \(0x[0-9a-f]+\)$/.exec(line);
    if (m && VIRTUAL.test(m[1]!)) continue;
  }
  return { kind: 'dynamic', entries };
}
