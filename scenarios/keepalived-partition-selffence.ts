import { defineScenario } from '../src/scenario/define-scenario.js';
import partition from './keepalived-partition.js';

// The same VRRP split as keepalived-partition, with the self-fence.
export default defineScenario({
  ...partition,
  name: 'keepalived-partition-selffence',
  description:
    'keepalived-partition with the self-fence: a node that cannot hear its peer asks the witness (PostgreSQL, ' +
    "which both reach) whether the peer's lease is alive. The split-off standby sees the master alive and owning " +
    'the calls, fails its chk_fence track script and goes FAULT instead of MASTER; had it become MASTER, its hook ' +
    'would not have recovered. The master keeps the VIP and the calls: one owner, no steal.',
  topology: { ...partition.topology, keepalived: { preempt: false, selfFence: true } },
  expectFailures: {},
});
