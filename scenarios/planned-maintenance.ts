import { defineScenario } from '../src/scenario/define-scenario.js';

export default defineScenario({
  name: 'planned-maintenance',
  description:
    'Planned maintenance: every call is moved off a healthy node (zerodrop migrate: fence it, move its units, ' +
    'recover on another node); the emptied node is then stopped. No call may notice more than a short gap.',
  topology: { kind: 'farm', freeswitchNodes: 3 },
  calls: { count: 15, ratePerSec: 25, kind: 'bridge' },
  steps: [
    { step: 'place-calls' },
    { step: 'wait', ms: 1_500 },
    { step: 'failover', action: 'migrate', from: 'one', to: 'one' },
    { step: 'await-recovery', timeoutMs: 10_000 },
    { step: 'hold', ms: 2_000 },
    { step: 'hangup' },
  ],
  bounds: { mediaResumeMs: 3_000 },
});
