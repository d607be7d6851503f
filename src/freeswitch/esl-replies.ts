// Parsers for the text FreeSWITCH API commands answer with (mod_commands.c, mod_sofia.c wording).

/** What `status` says about a node. */
export interface EslStatus {
  /** The second line says `… is ready`. */
  ready: boolean;
  /** Current sessions (`N session(s) - peak …`). */
  sessions: number;
  /** Uptime from the `UP …` line, in ms. */
  uptimeMs: number;
  /** The line naming the implementation, e.g. `FreeSWITCH (Version 1.10.12 …) is ready` or fs-sim's. */
  identity: string;
}

/** Parsed `show calls`: the count line and each row as column → value. */
export interface ShowCalls {
  count: number;
  rows: Record<string, string>[];
}

/** Result of a recover command: legs recovered (FreeSWITCH counts legs, not calls). */
export interface RecoverReply {
  recovered: number;
  /** `… flush` variants: nothing was recovered by design. */
  flushed: boolean;
}

/**
 * Parses every recover reply FreeSWITCH 1.10 prints: `+OK N session(s) recovered in total` (fsctl recover),
 * `Recovered N call(s)` / `No calls to recover.` (sofia recover), `Recovered N session(s)` /
 * `No sessions to recover.` (sofia profile P recover), `+OK flushed`, `Flushing recovery database.`.
 */
export function parseRecoverReply(text: string): RecoverReply | undefined {
  const total = /\+OK (\d+) session\(s\) recovered in total/.exec(text);
  if (total) return { recovered: Number(total[1]), flushed: false };
  const sofia = /Recovered (\d+) (?:call|session)\(s\)/.exec(text);
  if (sofia) return { recovered: Number(sofia[1]), flushed: false };
  if (/No (?:calls|sessions) to recover/.test(text)) return { recovered: 0, flushed: false };
  if (/^\+OK flushed|Flushing recovery database/m.test(text)) return { recovered: 0, flushed: true };
  return undefined;
}

const UNIT_MS: Record<string, number> = {
  year: 365 * 86_400_000,
  day: 86_400_000,
  hour: 3_600_000,
  minute: 60_000,
  second: 1_000,
  millisecond: 1,
  microsecond: 0.001,
};

/** Parses `status` output; undefined when it does not look like a status reply. */
export function parseStatus(text: string): EslStatus | undefined {
  const lines = text.split('\n').map((l) => l.trim());
  const up = lines.find((l) => l.startsWith('UP '));
  const sessions = /^(\d+) session\(s\) - peak/m.exec(text);
  if (!up || !sessions) return undefined;
  let uptimeMs = 0;
  for (const m of up.matchAll(/(\d+) (year|day|hour|minute|second|millisecond|microsecond)s?/g)) {
    uptimeMs += Number(m[1]) * (UNIT_MS[m[2]!] ?? 0);
  }
  const identity = lines.find((l) => / is (ready|not ready)/.test(l)) ?? lines[1] ?? '';
  return { ready: / is ready/.test(identity), sessions: Number(sessions[1]), uptimeMs, identity };
}

/** Parses the default CSV form of `show calls` (header line, rows, blank line, `N total.`). */
export function parseShowCalls(text: string): ShowCalls | undefined {
  const total = /^(\d+) total\.?$/m.exec(text);
  if (!total) return undefined;
  const lines = text.split('\n').filter((l) => l.trim() !== '' && !/^\d+ total/.test(l));
  const header = lines[0]?.split(',') ?? [];
  const rows = lines.slice(1).map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  });
  return { count: Number(total[1]), rows };
}
