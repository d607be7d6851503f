import { defineScenario } from '../src/scenario/define-scenario.js';

export default defineScenario({
  name: 'bridged-and-conference-split',
  description:
    'The same mix of bridged calls and conference rooms, but after fs1 crashes its units are split on purpose: ' +
    'half of the legs of every bridge and of every room to one survivor, the rest to the other, each recovered ' +
    'there. Both halves answer their re-INVITEs; then bridged legs sit without media and each half-room only ' +
    'hears itself. Expected failure: the recovery rows show the split, and the media check the silence.',
  topology: { kind: 'farm', freeswitchNodes: 3, storage: 'per-node' },
  calls: { count: 18, ratePerSec: 25, kind: { bridge: 1, conference: 1 }, conferenceSize: 3 },
  steps: [
    { step: 'place-calls' },
    { step: 'wait', ms: 1_000 },
    { step: 'fault', fault: 'crash', target: ['fs1'] },
    { step: 'failover', action: 'migrate', splitUnits: true },
    { step: 'await-recovery', timeoutMs: 3_000 },
    { step: 'hold', ms: 1_000 },
    { step: 'hangup' },
  ],
  bounds: { mediaResumeMs: 3_000 },
  expectFailures: {
    'recovery-rows': {
      why: "fs1's bridges and rooms were split over fs2 and fs3",
      matching: 'split across',
    },
    'media-resumes': {
      why: 'a bridged leg without its partner, or a member without its room mate, hears nothing',
      matching: 'never resumed',
    },
  },
});
