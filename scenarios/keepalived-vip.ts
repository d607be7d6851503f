import { defineScenario } from '../src/scenario/define-scenario.js';

export default defineScenario({
  name: 'keepalived-vip',
  description:
    'The basic scheme: two FreeSWITCH nodes, keepalived VIP (VRRP unicast, advert 1 s, nopreempt), one shared ' +
    'recovery table. The master is killed; the VIP moves and the new master runs `sofia recover`. The gap is ' +
    "dominated by VRRP's 3 × advert_int + skew.",
  topology: { kind: 'keepalived', freeswitchNodes: 2, storage: 'shared', keepalived: { preempt: false } },
  calls: { count: 10, ratePerSec: 20, kind: { echo: 1, bridge: 1 } },
  steps: [
    { step: 'place-calls' },
    { step: 'wait', ms: 1_500 },
    { step: 'fault', fault: 'kill', target: 'primary' },
    { step: 'await-recovery', timeoutMs: 15_000 },
    { step: 'hold', ms: 2_000 },
    { step: 'hangup' },
  ],
  bounds: { mediaResumeMs: 6_000 },
});
