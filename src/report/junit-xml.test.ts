import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../checks/check.js';
import { exampleReportInput } from './example-run.js';
import { renderJunit } from './junit-xml.js';
import { buildReport } from './report-model.js';

const results: CheckResult[] = [
  {
    name: 'no-drop',
    valid: true,
    details: 'ok',
    perCall: [{ callId: 'call-001', valid: true, message: 'fine' }],
  },
  {
    name: 'media-resumes',
    valid: false,
    details: 'gap <2105 ms> & "late" \u0007',
    perCall: [{ callId: 'call-001', valid: false, message: 'to-callee: gap 2105 ms > bound' }],
  },
  { name: 'recovery-rows', valid: 'unknown', details: 'no recovery.rows snapshot in the history' },
];

function parse(xml: string) {
  const p = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (n) => n === 'testcase' || n === 'property',
  });
  return p.parse(xml) as {
    testsuites: {
      tests: string;
      failures: string;
      errors: string;
      testsuite: {
        name: string;
        tests: string;
        properties: { property: { name: string; value: string }[] };
        testcase: {
          classname: string;
          name: string;
          failure?: { message: string; type: string; '#text': string };
          error?: { type: string };
        }[];
      };
    };
  };
}

describe('JUnit XML', () => {
  const input = exampleReportInput();
  const xml = renderJunit(buildReport({ ...input, results }));

  it('is well-formed XML with special characters escaped and forbidden ones dropped', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('gap &lt;2105 ms&gt; &amp; &quot;late&quot; ');
    expect(xml).not.toContain('\u0007');
  });

  it('has one testcase per check and per call, failures for invalid and errors for unknown', () => {
    const s = parse(xml).testsuites;
    const suite = s.testsuite;
    expect(suite.name).toBe('zerodrop.farm-crash-migrate');
    const checks = suite.testcase.filter((t) => t.classname.endsWith('.checks'));
    const calls = suite.testcase.filter((t) => t.classname.endsWith('.calls'));
    expect(checks.map((t) => t.name)).toEqual(['no-drop', 'media-resumes', 'recovery-rows']);
    expect(calls).toHaveLength(13);
    expect(Number(suite.tests)).toBe(16);
    expect([s.failures, s.errors]).toEqual(['2', '1']);
    expect(checks[0]?.failure).toBeUndefined();
    expect(checks[1]?.failure).toMatchObject({ type: 'invalid', message: 'gap <2105 ms> & "late"' });
    expect(checks[1]?.failure?.['#text']).toContain('call-001: to-callee: gap 2105 ms > bound');
    expect(checks[2]?.error?.type).toBe('unknown');
    const c1 = calls.find((t) => t.name === 'call-001');
    expect(c1?.failure?.message).toBe('survived; media-resumes: to-callee: gap 2105 ms > bound');
    expect(calls.find((t) => t.name === 'call-002')?.failure).toBeUndefined();
  });

  it('carries the implementation under test and the seed as properties', () => {
    const props = parse(xml).testsuites.testsuite.properties.property;
    expect(props).toContainEqual({ name: 'implementation', value: 'fs-sim 0.1 (FreeSWITCH emulator)' });
    expect(props).toContainEqual({ name: 'seed', value: '42' });
  });
});
