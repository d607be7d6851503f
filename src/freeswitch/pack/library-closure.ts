// The library closure of a FreeSWITCH prefix: every shared object its binaries AND modules load (modules
// load at run time, so ldd on the binary alone misses e.g. libFLAC via mod_sndfile), sorted into what the
// prefix brings, what the base image has, what is missing, and what nothing resolves.
import type { LddReport } from './parse-ldd.js';

/** A library the prefix needs from outside itself. */
export interface ExternalLibrary {
  soname: string;
  /** Where the host's loader found it. */
  hostPath: string;
  /** Files of the prefix that need it (relative to the prefix), sorted. */
  requiredBy: string[];
}

/** The closure, split by who provides each library. */
export interface LibraryClosure {
  /** Libraries resolved inside the prefix (copied with it, same path: rpaths are absolute). */
  inPrefix: string[];
  /** External libraries the base image already has (by soname in its loader cache). */
  inBase: ExternalLibrary[];
  /** External libraries the base image lacks. */
  missing: ExternalLibrary[];
  /** Sonames no loader found on the host: the build must fail naming them. */
  unresolved: Array<{ soname: string; requiredBy: string[] }>;
}

const within = (path: string, dir: string) => path === dir || path.startsWith(`${dir.replace(/\/$/, '')}/`);

/**
 * Computes the closure from `ldd` reports keyed by absolute file path.
 * baseSonames: sonames the base image's loader cache (`ldconfig -p`) knows.
 */
export function libraryClosure(
  prefix: string,
  reports: ReadonlyMap<string, LddReport>,
  baseSonames: ReadonlySet<string>,
): LibraryClosure {
  const rel = (file: string) =>
    within(file, prefix) ? file.slice(prefix.replace(/\/$/, '').length + 1) : file;
  const inPrefix = new Set<string>();
  const external = new Map<string, ExternalLibrary>();
  const unresolved = new Map<string, Set<string>>();
  for (const [file, report] of reports) {
    if (report.kind === 'static') continue;
    for (const e of report.entries) {
      if (e.path === undefined) {
        const by = unresolved.get(e.soname) ?? new Set<string>();
        by.add(rel(file));
        unresolved.set(e.soname, by);
      } else if (within(e.path, prefix)) {
        inPrefix.add(e.path);
      } else {
        const lib = external.get(e.path) ?? { soname: e.soname, hostPath: e.path, requiredBy: [] };
        if (!lib.requiredBy.includes(rel(file))) lib.requiredBy.push(rel(file));
        external.set(e.path, lib);
      }
    }
  }
  const libs = [...external.values()]
    .map((l) => ({ ...l, requiredBy: [...l.requiredBy].sort() }))
    .sort((a, b) => a.soname.localeCompare(b.soname));
  return {
    inPrefix: [...inPrefix].sort(),
    inBase: libs.filter((l) => baseSonames.has(l.soname)),
    missing: libs.filter((l) => !baseSonames.has(l.soname)),
    unresolved: [...unresolved]
      .map(([soname, by]) => ({ soname, requiredBy: [...by].sort() }))
      .sort((a, b) => a.soname.localeCompare(b.soname)),
  };
}

/** Sonames in `ldconfig -p` output (`\tlibfoo.so.1 (libc6,x86-64) => /lib/…/libfoo.so.1`). */
export function parseLdconfigCache(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^\s+(\S+) \([^)]*\) => \//.exec(line);
    if (m) out.add(m[1]!);
  }
  return out;
}
