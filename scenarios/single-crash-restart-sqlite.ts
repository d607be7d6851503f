import { defineScenario } from '../src/scenario/define-scenario.js';

export default defineScenario({
  name: 'single-crash-restart-sqlite',
  description:
    "The same-node crash/restart/recover on FreeSWITCH's default core DB, a local SQLite file: the file survives " +
    'the crash inside the node, so the restarted process recovers its calls without PostgreSQL.',
  topology: { kind: 'single', freeswitchNodes: 1, coreDb: 'sqlite' },
  calls: { count: 10, ratePerSec: 20, kind: 'echo' },
  steps: [
    { step: 'place-calls' },
    { step: 'wait', ms: 1_500 },
    { step: 'fault', fault: 'crash', target: 'primary' },
    { step: 'failover', action: 'restart-recover' },
    { step: 'await-recovery', timeoutMs: 15_000 },
    { step: 'hold', ms: 2_000 },
    { step: 'hangup' },
  ],
  bounds: { mediaResumeMs: 15_000 },
  // The rows live in the node's own SQLite file, which the harness does not read: no recovery-rows check here.
  checks: ['media-resumes', 'no-drop', 'no-crossed-media'],
});
