// JUnit XML: one testsuite per run, a testcase per check and per call; unknown is an error, never a pass.
import type { Validity } from '../checks/check.js';
import { escapeXml as x } from './format.js';
import type { RunReport } from './report-model.js';

interface Case {
  classname: string;
  name: string;
  valid: Validity;
  message: string;
  body: string;
}

/** Renders the report as JUnit XML (the Jenkins/GitLab flavour: failure = invalid, error = unknown). */
export function renderJunit(r: RunReport): string {
  const suite = `zerodrop.${r.scenario.name}`;
  const cases: Case[] = [
    ...r.checks.map((c) => ({
      classname: `${suite}.checks`,
      name: c.name,
      valid: c.valid,
      message: c.details,
      body: [
        c.details,
        ...(c.perCall ?? []).filter((p) => p.valid !== true).map((p) => `${p.callId}: ${p.message}`),
      ].join('\n'),
    })),
    ...r.calls.map((c) => ({
      classname: `${suite}.calls`,
      name: c.callId,
      valid: c.verdicts.length ? c.valid : true,
      message: `${c.status}${c.verdicts
        .filter((v) => v.valid !== true)
        .map((v) => `; ${v.check}: ${v.message}`)
        .join('')}`,
      body: c.verdicts
        .map((v) => `${v.check}: ${v.valid === true ? 'ok' : String(v.valid)} — ${v.message}`)
        .join('\n'),
    })),
  ];
  const failures = cases.filter((c) => c.valid === false).length;
  const errors = cases.filter((c) => c.valid === 'unknown').length;
  const seconds = ((r.endMs - r.t0Ms) / 1000).toFixed(3);
  const props: [string, string][] = [
    ['implementation', r.implementationLabel],
    ['emulator', String(r.meta.implementation.emulator)],
    ['proxy', r.meta.proxy ?? ''],
    ['seed', String(r.meta.seed)],
    ['verdict', r.verdictLine],
  ];
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="zerodrop" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${seconds}">`,
    `  <testsuite name="${x(suite)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds}" timestamp="${x(r.meta.startedAt)}"${r.meta.hostname ? ` hostname="${x(r.meta.hostname)}"` : ''}>`,
    '    <properties>',
    ...props.map(([k, v]) => `      <property name="${x(k)}" value="${x(v)}"/>`),
    '    </properties>',
    ...cases.map(testcase),
    `    <system-out>${x(`${r.verdictLine}\nimplementation under test: ${r.implementationLabel}`)}</system-out>`,
    '  </testsuite>',
    '</testsuites>',
    '',
  ];
  return lines.join('\n');
}

function testcase(c: Case): string {
  const open = `    <testcase classname="${x(c.classname)}" name="${x(c.name)}" time="0"`;
  if (c.valid === true) return `${open}/>`;
  const tag = c.valid === false ? 'failure' : 'error';
  const type = c.valid === false ? 'invalid' : 'unknown';
  return `${open}>\n      <${tag} message="${x(c.message)}" type="${type}">${x(c.body)}</${tag}>\n    </testcase>`;
}
