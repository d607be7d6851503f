// A check: a pure function of the history that returns valid true | false | 'unknown' (Jepsen's checker).
import { errorMessage } from '../common/errors.js';
import type { HistoryView } from '../history/history.js';

export type { HistoryView };

/** true: the property holds; false: it was violated; 'unknown': the history cannot decide. */
export type Validity = true | false | 'unknown';

/** The verdict of one check about one call. */
export interface CallVerdict {
  callId: string;
  valid: Validity;
  /** One line a VoIP engineer can read, e.g. "to-caller resumed after 412 ms". */
  message: string;
  data?: Record<string, unknown>;
}

/** The outcome of one check. */
export interface CheckResult {
  name: string;
  valid: Validity;
  /** Why, in one or a few sentences. */
  details: string;
  perCall?: CallVerdict[];
  /** Check-specific numbers for the report (kept JSON-serialisable). */
  data?: Record<string, unknown>;
  /** Set by expectFailure(): what the scenario predicted and what the check really returned. */
  expectation?: { valid: Validity; why: string; met: boolean };
  actual?: CheckResult;
}

/** Scenario bounds the checks judge against. */
export interface CheckBounds {
  /** Each direction of every call answered before the fault must carry media again within this many ms. */
  mediaResumeMs: number;
}

/** What a check may know besides the history. */
export interface CheckContext {
  bounds: CheckBounds;
  /** Nodes known dead after recovery, added to those the history shows (faulted and not healed, or fenced). */
  deadNodes?: readonly string[];
  /**
   * Lab address → node name (e.g. "198.19.7.41" → "fs1"): call.answered names the node by its Contact host,
   * faults and the controller by name. Default: the [name, ip] pairs of the history's lab.up event.
   */
  nodeByAddress?: Readonly<Record<string, string>>;
}

/** The node name for an address seen in SIP ("ip" or "ip:port"); unknown addresses pass through. */
export function nodeName(
  address: string | undefined,
  byAddress: Readonly<Record<string, string>> = {},
): string | undefined {
  if (address === undefined) return undefined;
  return byAddress[address] ?? byAddress[address.replace(/:\d+$/, '')] ?? address;
}

/** A check: pure, deterministic, never mutates the history. */
export type Check = (history: HistoryView, ctx: CheckContext) => CheckResult;

const RANK = { true: 0, unknown: 1, false: 2 } as const;
const rankOf = (v: Validity): number => RANK[String(v) as keyof typeof RANK];

/** A time for messages, in seconds since the history's first event: "t=12.345 s". */
export function timeLabel(history: HistoryView): (ms: number) => string {
  const t0 = history[0]?.timeMs ?? 0;
  return (ms) => `t=${((ms - t0) / 1000).toFixed(3)} s`;
}

/** Merges verdicts: false beats unknown beats true; nothing to merge is true. */
export function mergeValidity(...vs: Validity[]): Validity {
  let worst: Validity = true;
  for (const v of vs) if (rankOf(v) > rankOf(worst)) worst = v;
  return worst;
}

/** Runs one check; a throw becomes 'unknown' naming the error, never a pass. */
export function runCheck(name: string, check: Check, history: HistoryView, ctx: CheckContext): CheckResult {
  try {
    const r = check(history, ctx);
    if (r.valid !== true && r.valid !== false && r.valid !== 'unknown') {
      return { name, valid: 'unknown', details: `check returned an invalid verdict ${String(r.valid)}` };
    }
    return { ...r, name };
  } catch (e) {
    return { name, valid: 'unknown', details: `check crashed: ${errorMessage(e)}` };
  }
}

/** Runs every named check in order. */
export function runChecks(
  checks: Readonly<Record<string, Check>>,
  history: HistoryView,
  ctx: CheckContext,
): CheckResult[] {
  return Object.entries(checks).map(([name, check]) => runCheck(name, check, history, ctx));
}

/** The run's verdict: merge of every check's. */
export function overallValidity(results: readonly CheckResult[]): Validity {
  return mergeValidity(...results.map((r) => r.valid));
}

/** Builds a result whose verdict is the merge of its per-call verdicts (true when there are none). */
export function fromPerCall(
  name: string,
  perCall: CallVerdict[],
  summary: (v: Validity) => string,
): CheckResult {
  const valid = mergeValidity(...perCall.map((c) => c.valid));
  return { name, valid, details: summary(valid), perCall };
}

/** Counts per verdict, for details lines. */
export function countVerdicts(perCall: readonly CallVerdict[]): { ok: number; bad: number; unknown: number } {
  let ok = 0;
  let bad = 0;
  let unknown = 0;
  for (const c of perCall) {
    if (c.valid === true) ok++;
    else if (c.valid === false) bad++;
    else unknown++;
  }
  return { ok, bad, unknown };
}
