// summary.md: the verdict first, the implementation named, then checks, timings and a row per call.
import { DIRECTIONS } from '../checks/call-timelines.js';
import type { GapStats } from '../checks/run-stats.js';
import { dur, escapeMdCell as e, gapCell, tSec, verdictWord } from './format.js';
import type { RunReport } from './report-model.js';

const ICON = { PASS: '✅', FAIL: '❌', UNKNOWN: '❓' } as const;

/** Renders the Markdown summary. */
export function renderSummary(r: RunReport): string {
  const word = verdictWord(r.verdict);
  const out: string[] = [];
  out.push(
    `**Verdict: ${word}** ${ICON[word]} — ${r.verdictLine.replace(/^\w+ — /, '')} (exit ${r.exitCode})`,
    '',
  );
  out.push(`# zerodrop run: ${r.scenario.name}`, '');
  out.push(`- Implementation under test: **${e(r.implementationLabel)}**`);
  if (r.meta.implementation.emulator)
    out.push(
      '- ⚠️ fs-sim is an emulator, not FreeSWITCH: this run says nothing about a real FreeSWITCH build.',
    );
  out.push(`- Proxy: ${r.meta.proxy ?? '—'} · Seed: \`${r.meta.seed}\` · Started: ${r.meta.startedAt}`);
  if (r.scenario.description) out.push(`- Scenario: ${r.scenario.description}`);
  out.push(`- Bound: media must resume within ${r.scenario.bounds.mediaResumeMs} ms in each direction`);
  if (r.warnings.length)
    out.push('', '**Read this before the verdict:**', '', ...r.warnings.map((w) => `- ⚠️ ${e(w)}`));
  out.push('', '## Checks', '', '| check | verdict | details |', '|---|---|---|');
  for (const c of r.checks) {
    const exp = c.expectation
      ? ` (expected ${c.expectation.valid === false ? 'failure' : 'unknown'}: ${c.expectation.met ? 'met' : 'NOT met'})`
      : '';
    out.push(`| ${e(c.name)} | ${verdictWord(c.valid)}${exp} | ${e(c.details)} |`);
  }
  const s = r.stats;
  out.push('', '## Timings', '');
  out.push(`| survival | detect | migrate | recover | fault → recovered |`, '|---|---|---|---|---|');
  out.push(
    `| ${s.callsSurvived}/${s.callsAtFault} (${(s.survival * 100).toFixed(1)} %) | ${dur(s.detectMs)} | ${dur(s.migrateMs)} | ${dur(s.recoverMs)} | ${dur(s.failoverMs)} |`,
  );
  out.push('', '| direction | calls | gap p50 | gap p95 | gap max |', '|---|---|---|---|---|');
  for (const d of DIRECTIONS) out.push(gapRow(d, s.gaps[d]));
  if (s.unresumed)
    out.push(
      '',
      `${s.unresumed} call(s) never got media back in some direction (not counted in the percentiles).`,
    );
  out.push('', '## Calls', '');
  out.push(
    `Times are seconds since the run started; the first fault struck at ${tSec(r.firstFaultMs, r.t0Ms)}.`,
    '',
  );
  out.push(
    '| call | node | status | answered | last pkt before fault (→caller / →callee) | re-INVITE | first pkt after (→caller / →callee) | gap →caller | gap →callee | notes |',
  );
  out.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const c of r.calls) {
    const dc = c.directions['to-caller'];
    const de = c.directions['to-callee'];
    const notes = c.verdicts
      .filter((v) => v.valid !== true)
      .map((v) => `${v.check}: ${v.message}`)
      .join('; ');
    out.push(
      `| ${e(c.callId)} | ${e(c.node ?? '—')} | ${c.status} | ${tSec(c.answeredMs, r.t0Ms)} | ${tSec(dc?.lastBeforeFaultMs, r.t0Ms)} / ${tSec(de?.lastBeforeFaultMs, r.t0Ms)} | ${tSec(c.reinviteMs, r.t0Ms)} | ${tSec(dc?.firstAfterMs, r.t0Ms)} / ${tSec(de?.firstAfterMs, r.t0Ms)} | ${gapCell(dc?.faultGapMs)} | ${gapCell(de?.faultGapMs)} | ${e(notes)} |`,
    );
  }
  if (r.findings.length) {
    out.push('', '## Findings', '', '| call | time | side | finding | detail |', '|---|---|---|---|---|');
    for (const f of r.findings) {
      out.push(
        `| ${e(f.callId)} | ${tSec(f.timeMs, r.t0Ms)} | ${f.side ?? '—'} | ${e(f.finding)} | ${e(f.detail ?? '')} |`,
      );
    }
  }
  out.push('');
  return out.join('\n');
}

function gapRow(d: string, g: GapStats): string {
  return `| ${d} | ${g.count} | ${dur(g.p50Ms)} | ${dur(g.p95Ms)} | ${dur(g.maxMs)} |`;
}
