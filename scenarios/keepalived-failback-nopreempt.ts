import { defineScenario } from '../src/scenario/define-scenario.js';
import failback from './keepalived-failback.js';

// The same run as keepalived-failback (fs1 killed, fs2 recovers, fs1 comes back), with nopreempt.
export default defineScenario({
  ...failback,
  name: 'keepalived-failback-nopreempt',
  description:
    'keepalived-failback with nopreempt (both nodes start BACKUP): the master (fs1) is killed, fs2 takes the VIP ' +
    'and recovers the calls; fs1 comes back and stays BACKUP, so no second recover runs and every leg stays live ' +
    'on fs2 alone.',
  topology: { ...failback.topology, keepalived: { preempt: false, selfFence: false } },
  expectFailures: {},
});
