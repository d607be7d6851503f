import { defineScenario } from '../src/scenario/define-scenario.js';

export default defineScenario({
  name: 'farm-crash-restart',
  description:
    'Twenty bridged calls through Kamailio and RTPEngine on three nodes; one node crashes, is restarted and runs ' +
    'fsctl recover on its own rows (per-node storage): every call it held resumes, the other nodes are untouched.',
  topology: { kind: 'farm', freeswitchNodes: 3 },
  calls: { count: 20, ratePerSec: 25, kind: 'bridge' },
  steps: [
    { step: 'place-calls' },
    { step: 'wait', ms: 1_500 },
    { step: 'fault', fault: 'crash', target: 'one' },
    { step: 'failover', action: 'restart-recover' },
    { step: 'await-recovery', timeoutMs: 15_000 },
    { step: 'hold', ms: 2_000 },
    { step: 'hangup' },
  ],
  bounds: { mediaResumeMs: 15_000 },
});
