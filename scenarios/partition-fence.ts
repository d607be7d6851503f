import { defineScenario } from '../src/scenario/define-scenario.js';

export default defineScenario({
  name: 'partition-fence',
  description:
    'A node is cut off the network, not dead. The controller cannot tell: it must fence the node (kill) before it ' +
    'moves the calls, so no call is ever owned by two nodes, and the healed network brings back no zombie.',
  topology: { kind: 'farm', freeswitchNodes: 3 },
  calls: { count: 15, ratePerSec: 25, kind: 'bridge' },
  steps: [
    { step: 'failover', action: 'controller', to: 'one' },
    { step: 'place-calls' },
    { step: 'wait', ms: 1_500 },
    { step: 'fault', fault: 'partition', target: 'one' },
    { step: 'await-recovery', timeoutMs: 15_000 },
    { step: 'heal' },
    { step: 'hold', ms: 2_000 },
    { step: 'hangup' },
  ],
  bounds: { mediaResumeMs: 6_000 },
});
