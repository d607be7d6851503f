// report.html: one self-contained page (no network, no scripts, no fonts) a VoIP engineer reads top-down.
import { DIRECTIONS } from '../checks/call-timelines.js';
import { dur, gapCell, tSec, verdictWord, escapeXml as x } from './format.js';
import { renderGapHistogram } from './histogram-svg.js';
import type { RunReport } from './report-model.js';
import { failoverWindow, renderTimeline } from './timeline-svg.js';

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
main{max-width:1260px;margin:0 auto;padding:20px}
h1{font-size:22px;margin:4px 0} h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid #d8dde3;padding-bottom:4px}
.verdict{padding:14px 18px;border-radius:6px;color:#fff;font-size:18px}
.verdict b{font-size:24px;margin-right:10px}
.tag{background:#fff;color:#23863b;border-radius:4px;padding:1px 8px;margin-right:10px;font-size:13px;font-weight:700;text-transform:uppercase;vertical-align:3px}
.v-PASS{background:#23863b}.v-FAIL{background:#c62828}.v-UNKNOWN{background:#a07800}
.impl{font-size:18px;margin:14px 0 4px} .impl b{font-size:20px}
.emulator{background:#fff3cd;border:1px solid #e0c060;border-radius:6px;padding:8px 12px;margin:8px 0;font-weight:600}
.meta{color:#555}
.warn{background:#fdecea;border:1px solid #e0a0a0;border-radius:6px;padding:8px 12px;margin:10px 0}.warn ul{margin:4px 0 0 18px;padding:0}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0}
.card{background:#fff;border:1px solid #d8dde3;border-radius:6px;padding:8px 14px;min-width:120px}
.card .k{color:#555;font-size:12px}.card .v{font-size:20px;font-weight:600}
table{border-collapse:collapse;background:#fff;width:100%;font-size:13px}
th,td{border:1px solid #d8dde3;padding:4px 7px;text-align:left;vertical-align:top}
th{background:#eef1f4} td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.ok{color:#23863b;font-weight:600}.bad{color:#c62828;font-weight:600}.unk{color:#a07800;font-weight:600}
.svgbox{background:#fff;border:1px solid #d8dde3;border-radius:6px;padding:6px;overflow-x:auto}
.legend{font-size:12px;color:#444;margin:6px 0} .legend span{display:inline-block;margin-right:14px}
.sw{display:inline-block;width:12px;height:10px;vertical-align:middle;margin-right:4px}
`;

const cls = (v: true | false | 'unknown') => (v === true ? 'ok' : v === false ? 'bad' : 'unk');

/** Renders the self-contained HTML report. */
export function renderHtml(r: RunReport): string {
  const word = verdictWord(r.verdict);
  const s = r.stats;
  const zoom = failoverWindow(r);
  const dur0 = ((r.endMs - r.t0Ms) / 1000).toFixed(1);
  const card = (k: string, v: string) =>
    `<div class="card"><div class="k">${x(k)}</div><div class="v">${x(v)}</div></div>`;
  const gapCards = DIRECTIONS.map((d) => {
    const g = s.gaps[d];
    return card(`gap ${d} p50 / p95 / max`, `${dur(g.p50Ms)} / ${dur(g.p95Ms)} / ${dur(g.maxMs)}`);
  });
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${x(`zerodrop ${word}: ${r.scenario.name}`)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${CSS}</style></head>
<body><main>
<div class="verdict v-${word}"><b>${word}</b>${r.checks.some((c) => c.expectation?.met) && r.verdict === true ? '<span class="tag">expected failure demonstrated</span>' : ''}${x(r.verdictLine.replace(/^\w+ — /, ''))}</div>
<h1>zerodrop run: ${x(r.scenario.name)}</h1>
<div class="impl">Implementation under test: <b>${x(r.implementationLabel)}</b></div>
${r.meta.implementation.emulator ? '<div class="emulator">⚠ fs-sim is an emulator, not FreeSWITCH. This run exercises the harness and the failover logic; it proves nothing about a real FreeSWITCH build.</div>' : ''}
<div class="meta">${x(r.scenario.description ?? '')}</div>
<div class="meta">proxy ${x(r.meta.proxy ?? '—')} · seed <code>${x(String(r.meta.seed))}</code> · started ${x(r.meta.startedAt)} · ${dur0} s · ${r.history.events} events · bound: media back within ${r.scenario.bounds.mediaResumeMs} ms each way · exit ${r.exitCode}</div>
${r.warnings.length ? `<div class="warn"><b>Read this before the verdict</b><ul>${r.warnings.map((w) => `<li>${x(w)}</li>`).join('')}</ul></div>` : ''}
<div class="cards">
${card('calls survived', `${s.callsSurvived} / ${s.callsAtFault} (${(s.survival * 100).toFixed(1)} %)`)}
${card('detect', dur(s.detectMs))}${card('migrate', dur(s.migrateMs))}${card('recover', dur(s.recoverMs))}${card('fault → recovered', dur(s.failoverMs))}
${gapCards.join('')}
</div>
<h2>Checks</h2>
<table><tr><th>check</th><th>verdict</th><th>details</th></tr>
${r.checks.map((c) => `<tr><td>${x(c.name)}</td><td class="${cls(c.valid)}">${verdictWord(c.valid)}${c.expectation ? `<br><small>expected ${c.expectation.valid === false ? 'failure' : 'unknown'}: ${c.expectation.met ? 'met' : 'NOT met'}</small>` : ''}</td><td>${x(c.details)}</td></tr>`).join('\n')}
</table>
<h2>Timeline${zoom ? ' around the failover' : ''}</h2>
${legend()}
<div class="svgbox">${renderTimeline(r, { ...(zoom ?? {}), id: 'zoom' })}</div>
${zoom ? `<h2>Whole run</h2><div class="svgbox">${renderTimeline(r, { id: 'full' })}</div>` : ''}
<h2>Gap distribution (fault gaps of calls up at the fault)</h2>
<div class="svgbox">${renderGapHistogram(r)}</div>
${s.unresumed ? `<p class="bad">${s.unresumed} call(s) never got media back in some direction; they are not in the histogram.</p>` : ''}
<h2>Calls</h2>
<p class="meta">Times in seconds since the run started; the first fault struck at ${tSec(r.firstFaultMs, r.t0Ms)}.</p>
${callsTable(r)}
<h2>Controller steps</h2>
${stepsTable(r)}
${findingsTable(r)}
<p class="meta">Files of this run: scenario.json, history.jsonl (re-check with <code>zerodrop analyze &lt;run dir&gt;</code>), results.json, report.json, junit.xml, summary.md.</p>
</main></body></html>
`;
}

function legend(): string {
  const sw = (c: string, t: string) => `<span><i class="sw" style="background:${c}"></i>${t}</span>`;
  return `<div class="legend">${sw('#d62728', 'fault (window shaded)')}${sw('#ff9f1c', 'gap within bound')}${sw('#d62728', 'gap over bound')}${sw('repeating-linear-gradient(45deg,#d62728 0 3px,#fff 3px 6px)', 'never resumed')}${sw('#1f77b4', 're-INVITE')}${sw('#7b3fb5', 'detect')}${sw('#444', 'fence')}${sw('#1f77b4', 'migrate')}${sw('#2ca02c', 'recover')}${sw('#17becf', 'confirm')}<span>each call: upper lane → caller, lower lane → callee; ✕ BYE from the network; dot = status</span></div>`;
}

function callsTable(r: RunReport): string {
  const rows = r.calls.map((c) => {
    const dc = c.directions['to-caller'];
    const de = c.directions['to-callee'];
    const notes = c.verdicts
      .filter((v) => v.valid !== true)
      .map((v) => `${v.check}: ${v.message}`)
      .join('; ');
    const st =
      c.status === 'survived'
        ? 'ok'
        : c.status === 'not-at-risk'
          ? ''
          : c.status === 'unknown'
            ? 'unk'
            : 'bad';
    return `<tr><td>${x(c.callId)}</td><td>${x(c.node ?? '—')}</td><td class="${st}">${c.status}</td><td class="num">${tSec(c.answeredMs, r.t0Ms)}</td><td class="num">${tSec(dc?.lastBeforeFaultMs, r.t0Ms)}<br>${tSec(de?.lastBeforeFaultMs, r.t0Ms)}</td><td class="num">${tSec(c.reinviteMs, r.t0Ms)}</td><td class="num">${tSec(dc?.firstAfterMs, r.t0Ms)}<br>${tSec(de?.firstAfterMs, r.t0Ms)}</td><td class="num">${gapCell(dc?.faultGapMs)}</td><td class="num">${gapCell(de?.faultGapMs)}</td><td>${x(notes)}</td></tr>`;
  });
  return `<table><tr><th>call</th><th>node</th><th>status</th><th>answered</th><th>last packet before fault<br>→caller / →callee</th><th>re-INVITE</th><th>first packet after<br>→caller / →callee</th><th>gap →caller</th><th>gap →callee</th><th>notes</th></tr>\n${rows.join('\n')}</table>`;
}

function stepsTable(r: RunReport): string {
  if (r.steps.length === 0) return '<p class="meta">No controller steps recorded.</p>';
  const rows = r.steps.map(
    (s) =>
      `<tr><td>${s.step}</td><td>${x(s.subject)}</td><td class="num">${tSec(s.startMs, r.t0Ms)}</td><td class="num">${s.endMs !== undefined && s.endMs !== s.startMs ? dur(s.endMs - s.startMs) : '—'}</td><td class="${s.ok === false ? 'bad' : s.ok ? 'ok' : ''}">${s.ok === undefined ? '' : s.ok ? 'ok' : 'FAILED'}</td><td><code>${x(JSON.stringify(s.value))}</code></td></tr>`,
  );
  return `<table><tr><th>step</th><th>subject</th><th>at</th><th>took</th><th>result</th><th>value</th></tr>\n${rows.join('\n')}</table>`;
}

function findingsTable(r: RunReport): string {
  if (r.findings.length === 0) return '';
  const rows = r.findings.map(
    (f) =>
      `<tr><td>${x(f.callId)}</td><td class="num">${tSec(f.timeMs, r.t0Ms)}</td><td>${x(f.side ?? '—')}</td><td>${x(f.finding)}</td><td>${x(f.detail ?? '')}</td></tr>`,
  );
  return `<h2>Findings (non-conformant SIP seen)</h2><table><tr><th>call</th><th>at</th><th>side</th><th>finding</th><th>detail</th></tr>\n${rows.join('\n')}</table>`;
}
