import { defineScenario } from '../src/scenario/define-scenario.js';

export default defineScenario({
  name: 'farm-crash-migrate',
  description:
    'Three FreeSWITCH nodes behind Kamailio and RTPEngine. One node crashes (fsctl crash: no BYE, rows kept); ' +
    'the controller, probing every 100 ms, fences it, moves its calls to one survivor and recovers them there.',
  topology: { kind: 'farm', freeswitchNodes: 3, storage: 'per-node' },
  calls: { count: 20, ratePerSec: 25, kind: 'bridge' },
  steps: [
    { step: 'failover', action: 'controller', to: 'one' },
    { step: 'place-calls' },
    { step: 'wait', ms: 1500 },
    { step: 'fault', fault: 'crash', target: 'one' },
    { step: 'await-recovery', timeoutMs: 10_000 },
    { step: 'hold', ms: 2_000 },
    { step: 'hangup' },
  ],
  bounds: { mediaResumeMs: 3_000 },
});
