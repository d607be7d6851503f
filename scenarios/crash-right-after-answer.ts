import { defineScenario } from '../src/scenario/define-scenario.js';

export default defineScenario({
  name: 'crash-right-after-answer',
  description:
    "FreeSWITCH writes a leg's recovery row through an asynchronous SQL queue, ~0.3 s after answer. A crash " +
    'inside that window loses the row: the call cannot be recovered. Calls are placed up to the crash; the ones ' +
    'answered in the last ~0.3 s are lost, and the report names them (expected failure, not hidden).',
  topology: { kind: 'single', freeswitchNodes: 1 },
  calls: { count: 10, ratePerSec: 100, kind: 'echo' },
  steps: [
    { step: 'place-calls', count: 5 },
    { step: 'wait', ms: 1_000 },
    { step: 'place-calls', count: 5 },
    { step: 'fault', fault: 'crash', target: 'primary' },
    { step: 'failover', action: 'restart-recover' },
    { step: 'await-recovery', timeoutMs: 10_000 },
    { step: 'hold', ms: 2_000 },
    { step: 'hangup' },
  ],
  bounds: { mediaResumeMs: 5_000 },
  checks: ['media-resumes', 'no-crossed-media'],
  expectFailures: {
    'media-resumes': {
      why: 'calls answered less than ~0.3 s before the crash had no recovery row yet',
      failingCalls: 5,
    },
  },
});
