// Bounded IPv4 matching inside URL-encoded metadata: 1.2.3.4 must hit `%401.2.3.4` but never `1.2.3.40`.

const escapeDots = (ip: string) => ip.replace(/\./g, '\\.');

/**
 * A global regex matching any of the given IPv4 addresses as a whole address: not preceded by a
 * digit, dot or '%' unless that digit ends a %XX escape (FreeSWITCH writes `%40` before the host of
 * `user@host`), and not followed by a digit or by '.digit'.
 */
export function boundedIpPattern(ips: readonly string[]): RegExp {
  const key = ips.join(',');
  const cached = patterns.get(key);
  if (cached) {
    cached.lastIndex = 0;
    return cached;
  }
  // the boundary is checked behind the address, not ahead of it: a pattern that starts with a literal
  // lets the engine skip to candidate positions (10-20x faster over 10 kB rows than a leading lookbehind)
  const alternatives = [...new Set(ips)]
    .sort((a, b) => b.length - a.length)
    .map(escapeDots)
    .map((ip) => `${ip}(?<=(?:^|[^0-9.%]|%[0-9A-Fa-f]{2})${ip})`)
    .join('|');
  const re = new RegExp(`(?:${alternatives})(?![0-9]|\\.[0-9])`, 'g');
  if (patterns.size > 64) patterns.clear();
  patterns.set(key, re);
  return re;
}

// compiled once per address set: a migration rewrites thousands of rows between the same two nodes
const patterns = new Map<string, RegExp>();

/** Number of bounded occurrences of ip in text. */
export function countIpOccurrences(text: string, ip: string): number {
  return text.match(boundedIpPattern([ip]))?.length ?? 0;
}

/** True if text holds a bounded occurrence of any of ips. */
export function containsIp(text: string, ips: readonly string[]): boolean {
  const re = boundedIpPattern(ips);
  const hit = re.test(text);
  re.lastIndex = 0;
  return hit;
}

/** Name of the XML element whose text contains offset (or whose tag does), '' at top level. */
export function enclosingElement(text: string, offset: number): string {
  const open = text.lastIndexOf('<', offset);
  if (open < 0) return '';
  const m = /^<([A-Za-z_][A-Za-z0-9_.:-]*)/.exec(text.slice(open, open + 80));
  return m?.[1] ?? '';
}
