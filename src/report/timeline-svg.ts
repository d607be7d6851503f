// The timeline: fault windows shaded, controller steps marked, each call a row with its gaps per direction.

import { STEP_KINDS } from '../checks/run-timeline.js';
import type { MediaDirection } from '../common/event-kinds.js';
import { escapeXml as x } from './format.js';
import type { CallRow, RunReport } from './report-model.js';

/** Options for one timeline drawing. */
export interface TimelineOptions {
  /** Visible window in monotonic ms; default the whole run. */
  fromMs?: number;
  toMs?: number;
  /** Total width in px (default 1200). */
  width?: number;
  /** Stable id prefix, so two timelines in one page do not share pattern ids. */
  id?: string;
}

const LABEL_W = 170;
const AXIS_H = 26;
const NEMESIS_H = 24;
const STEP_H = 11;
const CONTROLLER_H = STEP_H * 5 + 6;
const STEP_COLOR = {
  detect: '#7b3fb5',
  fence: '#444',
  migrate: '#1f77b4',
  recover: '#2ca02c',
  confirm: '#17becf',
} as const;
const STATUS_COLOR: Record<CallRow['status'], string> = {
  survived: '#2ca02c',
  'not-at-risk': '#9aa5b1',
  dropped: '#d62728',
  'media-lost': '#d62728',
  'slow-resume': '#ff7f0e',
  failed: '#d62728',
  'no-answer': '#9aa5b1',
  unknown: '#bcbd22',
};

/** The default zoom around the failover: a second before the fault to a second after the last fault gap ended. */
export function failoverWindow(r: RunReport): { fromMs: number; toMs: number } | undefined {
  if (r.firstFaultMs === undefined) return undefined;
  const ends = r.calls.flatMap((c) =>
    Object.values(c.directions).flatMap((d) => (d?.firstAfterMs !== undefined ? [d.firstAfterMs] : [])),
  );
  const last = Math.max(r.recoveryEndMs ?? r.firstFaultMs, ...ends);
  return { fromMs: Math.max(r.t0Ms, r.firstFaultMs - 1_000), toMs: Math.min(r.endMs, last + 1_000) };
}

/** Renders the timeline as a standalone SVG element. */
export function renderTimeline(r: RunReport, o: TimelineOptions = {}): string {
  const from = o.fromMs ?? r.t0Ms;
  const to = Math.max(o.toMs ?? r.endMs, from + 1);
  const width = o.width ?? 1200;
  const id = o.id ?? 'tl';
  const plotW = width - LABEL_W - 16;
  const px = (ms: number) => LABEL_W + ((Math.min(Math.max(ms, from), to) - from) / (to - from)) * plotW;
  const rowH = r.calls.length > 80 ? 8 : r.calls.length > 30 ? 12 : 18;
  const callsTop = AXIS_H + NEMESIS_H + CONTROLLER_H;
  const height = callsTop + r.calls.length * rowH + 8;
  const bound = r.scenario.bounds.mediaResumeMs;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<defs><pattern id="${id}-open" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="3" height="6" fill="#d62728"/></pattern></defs>`,
  );
  // axis
  const step = niceStep((to - from) / 10);
  for (let t = Math.ceil((from - r.t0Ms) / step) * step + r.t0Ms; t <= to; t += step) {
    const tx = px(t).toFixed(1);
    out.push(
      `<line x1="${tx}" y1="${AXIS_H - 4}" x2="${tx}" y2="${height - 4}" stroke="#e3e6ea"/>`,
      `<text x="${tx}" y="${AXIS_H - 8}" text-anchor="middle" fill="#555">${fmtSec(t - r.t0Ms, step)}</text>`,
    );
  }
  // fault windows across the whole height
  for (const f of r.faults) {
    const x1 = px(f.startMs);
    const x2 = Math.max(px(f.endMs ?? to), x1 + 2);
    const label = `${f.fault} ${f.targets.join(',')}`;
    const title = `${label}: ${fmtSec(f.startMs - r.t0Ms)} → ${f.endMs === undefined ? 'not healed' : fmtSec(f.endMs - r.t0Ms)}${f.failed ? ' (fault failed)' : ''}`;
    out.push(
      `<rect class="fault-window" x="${x1.toFixed(1)}" y="${AXIS_H}" width="${(x2 - x1).toFixed(1)}" height="${height - AXIS_H - 4}" fill="#d62728" fill-opacity="0.08"><title>${x(title)}</title></rect>`,
      `<rect class="fault-bar" x="${x1.toFixed(1)}" y="${AXIS_H + 4}" width="${(x2 - x1).toFixed(1)}" height="${NEMESIS_H - 8}" fill="#d62728" fill-opacity="0.75"><title>${x(title)}</title></rect>`,
      `<text x="${(x1 + 3).toFixed(1)}" y="${AXIS_H + NEMESIS_H - 8}" fill="#fff" font-weight="bold">${x(label)}</text>`,
    );
  }
  out.push(`<text x="6" y="${AXIS_H + NEMESIS_H - 8}" font-weight="bold">nemesis</text>`);
  // controller steps: one sub-lane per step kind, in the order the controller takes them
  const cy = AXIS_H + NEMESIS_H;
  out.push(
    `<rect x="0" y="${cy}" width="${width}" height="${CONTROLLER_H}" fill="#f3f0f8" fill-opacity="0.6"/>`,
  );
  out.push(`<text x="6" y="${cy + CONTROLLER_H / 2 + 4}" font-weight="bold">controller</text>`);
  STEP_KINDS.forEach((k, i) => {
    out.push(
      `<text x="${LABEL_W - 6}" y="${cy + 3 + i * STEP_H + 8}" text-anchor="end" font-size="9" fill="#555">${k}</text>`,
    );
  });
  for (const s of r.steps) {
    if ((s.endMs ?? s.startMs) < from || s.startMs > to) continue;
    const x1 = px(s.startMs);
    const x2 = Math.max(px(s.endMs ?? s.startMs), x1 + 3);
    const sy = cy + 3 + STEP_KINDS.indexOf(s.step) * STEP_H;
    const title = `${s.step} ${s.subject}: ${fmtSec(s.startMs - r.t0Ms)}${s.endMs !== undefined && s.endMs !== s.startMs ? ` → ${fmtSec(s.endMs - r.t0Ms)} (${Math.round(s.endMs - s.startMs)} ms)` : ''}${s.ok === false ? ' FAILED' : ''}`;
    const color = s.ok === false ? '#d62728' : STEP_COLOR[s.step];
    if (s.step === 'detect') {
      out.push(
        `<path class="step step-detect" d="M${x1.toFixed(1)} ${sy} l4.5 4.5 l-4.5 4.5 l-4.5 -4.5z" fill="${color}"><title>${x(title)}</title></path>`,
      );
    } else {
      out.push(
        `<rect class="step step-${s.step}" x="${x1.toFixed(1)}" y="${sy}" width="${(x2 - x1).toFixed(1)}" height="${STEP_H - 2}" fill="${color}"><title>${x(title)}</title></rect>`,
      );
    }
    out.push(
      `<text x="${(x2 + 3).toFixed(1)}" y="${sy + 8}" font-size="9" fill="#333">${x(`${s.subject}${s.endMs !== undefined && s.endMs !== s.startMs ? ` ${Math.round(s.endMs - s.startMs)} ms` : ''}`)}</text>`,
    );
  }
  if (r.recoveryEndMs !== undefined && r.recoveryEndMs >= from && r.recoveryEndMs <= to) {
    const rx = px(r.recoveryEndMs).toFixed(1);
    out.push(
      `<line class="recovery-end" x1="${rx}" y1="${cy}" x2="${rx}" y2="${height - 4}" stroke="#2ca02c" stroke-dasharray="4 3"><title>recovery ended ${fmtSec(r.recoveryEndMs - r.t0Ms)}</title></line>`,
    );
  }
  // calls
  r.calls.forEach((c, i) => {
    out.push(callRow(c, callsTop + i * rowH, rowH, px, from, to, bound, id, r.t0Ms));
  });
  out.push('</svg>');
  return out.join('\n');
}

function callRow(
  c: CallRow,
  y: number,
  h: number,
  px: (ms: number) => number,
  from: number,
  to: number,
  boundMs: number,
  id: string,
  t0: number,
): string {
  const o: string[] = [`<g class="call-row" data-call="${x(c.callId)}" data-status="${c.status}">`];
  // Call-IDs end in @host: the host is the harness and says nothing, the node does
  const label = `${c.callId.replace(/@.*$/, '')}${c.node ? ` @${c.node}` : ''}`;
  if (h >= 12) {
    o.push(
      `<text x="14" y="${y + h / 2 + 4}" fill="#222">${x(label.length > 24 ? `${label.slice(0, 23)}…` : label)}</text>`,
    );
  }
  o.push(
    `<circle cx="7" cy="${y + h / 2}" r="${Math.min(4, h / 2 - 1)}" fill="${STATUS_COLOR[c.status]}"><title>${x(`${label}: ${c.status}`)}</title></circle>`,
  );
  const start = c.answeredMs ?? c.inviteMs;
  if (start !== undefined && start <= to && (c.endMs ?? to) >= from) {
    const x1 = px(start);
    const x2 = px(c.endMs ?? to);
    o.push(
      `<rect x="${x1.toFixed(1)}" y="${y + 1}" width="${Math.max(x2 - x1, 1).toFixed(1)}" height="${h - 2}" fill="#e8f3e8"/>`,
    );
  }
  const lanes: [MediaDirection, number][] = [
    ['to-caller', y + 1],
    ['to-callee', y + h / 2],
  ];
  for (const [d, ly] of lanes) {
    const lh = h / 2 - 1;
    for (const g of c.gaps[d]) {
      if (g.open || g.endMs < from || g.startMs > to) continue; // open silences are drawn below
      const x1 = px(g.startMs);
      const w = Math.max(px(g.endMs) - x1, 1.5);
      const cls = g.durationMs > boundMs ? 'over' : 'within';
      o.push(
        `<rect class="gap ${cls} ${d}" x="${x1.toFixed(1)}" y="${ly.toFixed(1)}" width="${w.toFixed(1)}" height="${lh.toFixed(1)}" fill="${cls === 'over' ? '#d62728' : '#ff9f1c'}"><title>${x(`${c.callId} ${d}: gap ${Math.round(g.durationMs)} ms at ${fmtSec(g.startMs - t0)}`)}</title></rect>`,
      );
    }
    const openFrom = c.directions[d]?.openFromMs;
    if (openFrom !== undefined && openFrom <= to) {
      const x1 = px(openFrom);
      const x2 = px(c.endMs ?? to);
      o.push(
        `<rect class="gap open ${d}" x="${x1.toFixed(1)}" y="${ly.toFixed(1)}" width="${Math.max(x2 - x1, 1.5).toFixed(1)}" height="${lh.toFixed(1)}" fill="url(#${id}-open)"><title>${x(`${c.callId} ${d}: silent from ${fmtSec(openFrom - t0)}, never resumed`)}</title></rect>`,
      );
    }
  }
  if (c.reinviteMs !== undefined && c.reinviteMs >= from && c.reinviteMs <= to) {
    const rx = px(c.reinviteMs).toFixed(1);
    o.push(
      `<line class="reinvite" x1="${rx}" y1="${y}" x2="${rx}" y2="${y + h}" stroke="#1f77b4" stroke-width="1.5"><title>${x(`${c.callId}: re-INVITE at ${fmtSec(c.reinviteMs - t0)}`)}</title></line>`,
    );
  }
  if (c.remoteByeMs !== undefined && c.remoteByeMs >= from && c.remoteByeMs <= to) {
    const bx = px(c.remoteByeMs);
    o.push(
      `<path class="bye" d="M${(bx - 3).toFixed(1)} ${y + 1}l6 ${h - 2}M${(bx + 3).toFixed(1)} ${y + 1}l-6 ${h - 2}" stroke="#d62728" stroke-width="2"><title>${x(`${c.callId}: BYE from the network at ${fmtSec(c.remoteByeMs - t0)}`)}</title></path>`,
    );
  }
  o.push('</g>');
  return o.join('');
}

/** A round tick step (1, 2, 5 × 10^n ms) near the given raw step. */
export function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

function fmtSec(ms: number, step = 1): string {
  const digits = step >= 1000 ? 0 : step >= 100 ? 1 : step >= 10 ? 2 : 3;
  return `${(ms / 1000).toFixed(digits)} s`;
}
