// Which Debian package ships a library: `dpkg -S` output, tolerant of merged /usr (bookworm's dpkg
// knows /lib/x86_64-linux-gnu/libc.so.6 but not /usr/lib/…, and the reverse for other packages).

/** Path spellings dpkg might know a file under: as given, and with /usr toggled. */
export function dpkgPathVariants(path: string): string[] {
  if (path.startsWith('/usr/lib/') || path.startsWith('/usr/lib64/')) return [path, path.slice(4)];
  if (path.startsWith('/lib/') || path.startsWith('/lib64/')) return [path, `/usr${path}`];
  return [path];
}

/** `pkg:arch: /path` lines of `dpkg -S` → path → package (arch qualifier dropped, diversions skipped). */
export function parseDpkgSearch(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('diversion by') || line.startsWith('dpkg-query:')) continue;
    const m = /^([^\s:,]+)(?::[a-z0-9-]+)?(?:, [^:]+)*: (\/.+)$/.exec(line.trim());
    if (m) out.set(m[2]!, m[1]!);
  }
  return out;
}

/** The package owning path, trying its /usr variants; undefined when no package owns it. */
export function ownerOf(path: string, owners: ReadonlyMap<string, string>): string | undefined {
  for (const p of dpkgPathVariants(path)) {
    const pkg = owners.get(p);
    if (pkg) return pkg;
  }
  return undefined;
}
