// The gap histogram: how long each direction of each call at the fault stayed silent.
import { DIRECTIONS } from '../checks/call-timelines.js';
import { escapeXml as x } from './format.js';
import type { RunReport } from './report-model.js';

const BINS_MS = [10, 20, 25, 50, 100, 200, 250, 500, 1_000, 2_000, 5_000, 10_000, 30_000];
const COLOR = { 'to-caller': '#1f77b4', 'to-callee': '#2ca02c' } as const;

/** Renders fault gaps per direction as a grouped bar histogram; the bound is a red dashed line. */
export function renderGapHistogram(r: RunReport, width = 1200, height = 260): string {
  const values = {
    'to-caller': faultGaps(r, 'to-caller'),
    'to-callee': faultGaps(r, 'to-callee'),
  };
  const bound = r.scenario.bounds.mediaResumeMs;
  const all = [...values['to-caller'], ...values['to-callee']];
  const head = `<svg xmlns="http://www.w3.org/2000/svg" class="histogram" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`;
  if (all.length === 0) {
    return `<svg xmlns="http://www.w3.org/2000/svg" class="histogram" width="${width}" height="40" viewBox="0 0 ${width} 40" font-family="sans-serif" font-size="12"><text x="20" y="25" fill="#555">no fault gaps recorded: no call up at the fault lost media and got it back</text></svg>`;
  }
  const maxV = Math.max(...all, bound);
  const binMs = BINS_MS.find((b) => maxV / b <= 30) ?? 60_000;
  const nBins = Math.floor(maxV / binMs) + 1;
  const counts = Object.fromEntries(
    DIRECTIONS.map((d) => {
      const c = new Array<number>(nBins).fill(0);
      for (const v of values[d]) c[Math.min(nBins - 1, Math.floor(v / binMs))]! += 1;
      return [d, c];
    }),
  ) as Record<(typeof DIRECTIONS)[number], number[]>;
  const maxC = Math.max(1, ...DIRECTIONS.flatMap((d) => counts[d]));
  const left = 50;
  const bottom = height - 40;
  const top = 24;
  const plotW = width - left - 20;
  const bw = plotW / nBins;
  const y = (c: number) => bottom - (c / maxC) * (bottom - top);
  const o = [head];
  for (const c of yTicks(maxC)) {
    o.push(
      `<line x1="${left}" y1="${y(c).toFixed(1)}" x2="${width - 20}" y2="${y(c).toFixed(1)}" stroke="#e3e6ea"/>`,
    );
    o.push(`<text x="${left - 6}" y="${(y(c) + 4).toFixed(1)}" text-anchor="end" fill="#555">${c}</text>`);
  }
  for (let i = 0; i < nBins; i++) {
    DIRECTIONS.forEach((d, j) => {
      const c = counts[d][i] ?? 0;
      if (c === 0) return;
      const bx = left + i * bw + j * (bw / 2) + 1;
      o.push(
        `<rect class="bin ${d}" x="${bx.toFixed(1)}" y="${y(c).toFixed(1)}" width="${Math.max(bw / 2 - 2, 1).toFixed(1)}" height="${(bottom - y(c)).toFixed(1)}" fill="${COLOR[d]}"><title>${x(`${d}: ${c} call(s) with a gap of ${i * binMs}–${(i + 1) * binMs} ms`)}</title></rect>`,
      );
    });
  }
  const every = Math.ceil(nBins / 15);
  for (let i = 0; i <= nBins; i += every) {
    o.push(
      `<text x="${(left + i * bw).toFixed(1)}" y="${bottom + 14}" text-anchor="middle" fill="#555">${i * binMs}</text>`,
    );
  }
  o.push(`<line x1="${left}" y1="${bottom}" x2="${width - 20}" y2="${bottom}" stroke="#333"/>`);
  const bx = (left + (bound / binMs) * bw).toFixed(1);
  o.push(
    `<line class="bound" x1="${bx}" y1="${top - 10}" x2="${bx}" y2="${bottom}" stroke="#d62728" stroke-dasharray="5 3" stroke-width="2"/>`,
  );
  const nearRight = Number(bx) > width - 140;
  o.push(
    `<text x="${Number(bx) + (nearRight ? -4 : 4)}" y="${top - 2}" text-anchor="${nearRight ? 'end' : 'start'}" fill="#d62728">bound ${bound} ms</text>`,
  );
  o.push(
    `<text x="${left + plotW / 2}" y="${height - 8}" text-anchor="middle" fill="#333">gap (ms), bins of ${binMs} ms</text>`,
  );
  DIRECTIONS.forEach((d, j) => {
    o.push(
      `<rect x="${left + 10 + j * 110}" y="4" width="10" height="10" fill="${COLOR[d]}"/><text x="${left + 24 + j * 110}" y="13">${d}</text>`,
    );
  });
  o.push('</svg>');
  return o.join('\n');
}

function faultGaps(r: RunReport, d: (typeof DIRECTIONS)[number]): number[] {
  return r.calls.flatMap((c) => {
    const g = c.directions[d];
    return g?.resumed && g.faultGapMs !== undefined && g.faultGapMs > 0 ? [g.faultGapMs] : [];
  });
}

function yTicks(max: number): number[] {
  const step = Math.max(1, Math.ceil(max / 5));
  const out: number[] = [];
  for (let c = 0; c <= max; c += step) out.push(c);
  return out;
}
