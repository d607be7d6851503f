import { defineScenario } from '../src/scenario/define-scenario.js';

export default defineScenario({
  name: 'bridged-and-conference',
  description:
    'Bridged calls (two legs each, through Kamailio) and conference rooms (three members each, dialled straight ' +
    'into one node, a room per node in turn) on a farm of three. One node crashes; the controller moves its ' +
    'migration units whole (both legs of a bridge, every member of a room) to one survivor, where each room ' +
    'is rebuilt and every member hears the others again.',
  topology: { kind: 'farm', freeswitchNodes: 3, storage: 'per-node' },
  calls: { count: 18, ratePerSec: 25, kind: { bridge: 1, conference: 1 }, conferenceSize: 3 },
  steps: [
    { step: 'failover', action: 'controller', to: 'one' },
    { step: 'place-calls' },
    { step: 'wait', ms: 1_000 },
    { step: 'fault', fault: 'crash', target: 'one' },
    { step: 'await-recovery', timeoutMs: 10_000 },
    { step: 'hold', ms: 1_500 },
    { step: 'hangup' },
  ],
  bounds: { mediaResumeMs: 3_000 },
});
