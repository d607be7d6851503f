import { defineScenario } from '../src/scenario/define-scenario.js';

export default defineScenario({
  name: 'shared-table-hazard',
  description:
    "The seed's layout: one recovery table shared by every node. FreeSWITCH's recover takes every row not " +
    'written by its own process, so after one node crashes, a recover on a survivor also takes the live calls ' +
    'of the other, healthy survivor. Expected failure: those calls end up owned by two nodes.',
  topology: { kind: 'farm', freeswitchNodes: 3, storage: 'shared' },
  calls: { count: 12, ratePerSec: 25, kind: 'bridge' },
  steps: [
    { step: 'place-calls' },
    { step: 'wait', ms: 1_500 },
    { step: 'fault', fault: 'crash', target: ['fs1'] },
    { step: 'failover', action: 'migrate', to: 'one' },
    { step: 'await-recovery', timeoutMs: 10_000 },
    { step: 'hold', ms: 2_000 },
    { step: 'hangup' },
  ],
  bounds: { mediaResumeMs: 5_000 },
  checks: ['recovery-rows'],
  expectFailures: {
    'recovery-rows': { why: "a recover on fs2 also took fs3's live calls from the shared table" },
  },
});
