// Formatting shared by the report renderers: times relative to the run start, escaping per output format.

/** Seconds with millisecond precision, e.g. 12.345 s, relative to t0Ms. */
export function tSec(ms: number | undefined, t0Ms: number): string {
  return ms === undefined ? '—' : `${((ms - t0Ms) / 1000).toFixed(3)} s`;
}

/** A duration in ms, rounded; '—' when unknown. */
export function dur(ms: number | undefined): string {
  return ms === undefined ? '—' : `${Math.round(ms)} ms`;
}

/** A fault gap for a table cell: 'none' when media never stopped. */
export function gapCell(ms: number | undefined): string {
  return ms === 0 ? 'none' : dur(ms);
}

/** A verdict as a word. */
export function verdictWord(v: true | false | 'unknown'): 'PASS' | 'FAIL' | 'UNKNOWN' {
  return v === true ? 'PASS' : v === false ? 'FAIL' : 'UNKNOWN';
}

// XML 1.0 forbids most C0 control characters even when escaped; drop them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters XML forbids
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Escapes text for XML/HTML element content and attribute values. */
export function escapeXml(s: string): string {
  return s
    .replace(XML_FORBIDDEN, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Escapes a Markdown table cell (pipes and newlines would break the row). */
export function escapeMdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
