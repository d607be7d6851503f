import { defineScenario } from '../src/scenario/define-scenario.js';

export default defineScenario({
  name: 'single-crash-restart',
  description:
    'One FreeSWITCH node with its core DB in PostgreSQL: fsctl crash, restart the node, fsctl recover on the same ' +
    'node. Its new process recovers the rows its previous process wrote (runtime_uuid differs).',
  topology: { kind: 'single', freeswitchNodes: 1, coreDb: 'postgres' },
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
});
