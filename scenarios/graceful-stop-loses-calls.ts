import { defineScenario } from '../src/scenario/define-scenario.js';

export default defineScenario({
  name: 'graceful-stop-loses-calls',
  description:
    'Stop is not crash: a graceful stop (SIGTERM, docker stop, fsctl shutdown) hangs every channel up with a BYE ' +
    'and deletes its recovery row, so the restarted node has nothing to recover. Expected failure: the calls drop.',
  topology: { kind: 'single', freeswitchNodes: 1 },
  calls: { count: 6, ratePerSec: 20, kind: 'echo' },
  steps: [
    { step: 'place-calls' },
    { step: 'wait', ms: 1_500 },
    { step: 'fault', fault: 'stop', target: 'primary' },
    { step: 'failover', action: 'restart-recover' },
    { step: 'hold', ms: 2_000 },
    { step: 'hangup' },
  ],
  bounds: { mediaResumeMs: 15_000 },
  checks: ['media-resumes', 'no-drop'],
  expectFailures: {
    'no-drop': { why: 'a graceful stop sends BYE on every call', failingCalls: 6 },
    'media-resumes': { why: 'nothing is left to recover after a graceful stop', failingCalls: 6 },
  },
});
