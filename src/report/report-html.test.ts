import { describe, expect, it } from 'vitest';
import { runChecks } from '../checks/check.js';
import { selectChecks } from '../checks/check-registry.js';
import { exampleReportInput } from './example-run.js';
import { renderHtml } from './report-html.js';
import { buildReport } from './report-model.js';

function html(breakOne = false) {
  const input = exampleReportInput({ breakOne });
  const results = runChecks(selectChecks(['media-resumes', 'no-drop', 'recovery-rows']), input.history, {
    bounds: input.scenario.bounds,
  });
  return renderHtml(buildReport({ ...input, results }));
}

const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;

describe('report.html', () => {
  it('is self-contained: no scripts, no external resources', () => {
    const h = html();
    expect(h.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(h).not.toMatch(/<script|<link|@import|@font-face|src="|href="http|url\(http/i);
  });

  it('names the implementation prominently and says fs-sim is not FreeSWITCH', () => {
    const h = html();
    expect(h).toContain('Implementation under test: <b>fs-sim 0.1 (FreeSWITCH emulator)</b>');
    expect(h).toContain('fs-sim is an emulator, not FreeSWITCH');
    expect(h).toContain('<div class="verdict v-PASS"><b>PASS</b>');
  });

  it('draws both timelines with a row per call, the fault window shaded and controller steps', () => {
    const h = html();
    expect(count(h, /<svg[^>]*class="timeline"/g)).toBe(2);
    // 13 calls, each drawn in the zoomed and the whole-run timeline
    expect(count(h, /class="call-row" data-call="call-001"/g)).toBe(2);
    expect(count(h, /class="call-row"/g)).toBe(26);
    expect(count(h, /<rect class="fault-window"/g)).toBe(2);
    expect(h).toMatch(/<rect class="fault-window"[^>]*><title>crash fs1: 20\.000 s → not healed<\/title>/);
    for (const step of ['detect', 'fence', 'migrate', 'recover', 'confirm'])
      expect(h).toContain(`class="step step-${step}"`);
    // 4 fs1 calls × 2 directions × 2 timelines, plus call-002's jitter gap at 8 s in the whole-run one
    expect(count(h, /class="gap within/g)).toBe(17);
    expect(count(h, /class="reinvite"/g)).toBe(8);
  });

  it('draws a never-resumed direction as an open gap and lists the gap histogram bins', () => {
    const h = html(true);
    expect(count(h, /class="gap open to-callee"/g)).toBe(2);
    expect(h).toContain('data-call="call-004" data-status="media-lost"');
    expect(h).toContain('<svg xmlns="http://www.w3.org/2000/svg" class="histogram"');
    expect(count(h, /class="bin to-caller"/g)).toBeGreaterThan(0);
    expect(h).toContain('class="bound"');
    expect(h).toContain('1 call(s) never got media back');
  });

  it('marks a demonstration that failed as predicted', () => {
    const input = exampleReportInput({ breakOne: true });
    const checks = selectChecks(['media-resumes'], {
      'media-resumes': { why: 'one leg lost', failingCalls: ['call-004'] },
    });
    const results = runChecks(checks, input.history, { bounds: input.scenario.bounds });
    const h = renderHtml(buildReport({ ...input, results }));
    expect(h).toContain('<b>PASS</b><span class="tag">expected failure demonstrated</span>');
    expect(h).toContain('expected failure: met');
  });

  it('puts run warnings above the verdict details', () => {
    const input = exampleReportInput();
    const h = renderHtml(buildReport({ ...input, results: [], truncatedTail: 'x' }));
    expect(h).toMatch(
      /<div class="warn"><b>Read this before the verdict<\/b><ul><li>history.jsonl ends with a line cut short/,
    );
    expect(h.indexOf('class="warn"')).toBeLessThan(h.indexOf('<h2>Checks</h2>'));
  });

  it('escapes scenario text', () => {
    const input = exampleReportInput();
    input.scenario.description = '<img onerror=alert(1)>';
    const h = renderHtml(buildReport({ ...input, results: [] }));
    expect(h).toContain('&lt;img onerror=alert(1)&gt;');
    expect(h).not.toContain('<img');
    expect(h).toContain('UNKNOWN');
  });
});
