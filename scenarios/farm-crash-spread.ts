import { defineScenario } from '../src/scenario/define-scenario.js';

export default defineScenario({
  name: 'farm-crash-spread',
  description:
    'Three FreeSWITCH nodes; one is killed (SIGKILL of its container). The controller fences it and spreads its ' +
    'calls over both survivors by load, whole units at a time, one recover per target.',
  topology: { kind: 'farm', freeswitchNodes: 3 },
  calls: { count: 24, ratePerSec: 25, kind: { bridge: 3, echo: 1 } },
  steps: [
    { step: 'failover', action: 'controller', to: 'spread' },
    { step: 'place-calls' },
    { step: 'wait', ms: 1_500 },
    { step: 'fault', fault: 'kill', target: 'one' },
    { step: 'await-recovery', timeoutMs: 10_000 },
    { step: 'hold', ms: 2_000 },
    { step: 'hangup' },
  ],
  bounds: { mediaResumeMs: 6_000 },
});
