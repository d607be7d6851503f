// Network faults: partition (whole host, or between hosts), packet loss, delay; each with its heal.
import type { Fault, FaultHost, FaultInvocation } from './fault.js';
import { runFaultAction } from './run-fault-action.js';

const TAG = ['-m', 'comment', '--comment', 'zerodrop-fault'];

async function iptables(h: FaultHost, args: readonly string[]): Promise<void> {
  const r = await h.exec(['iptables', '-w', ...args]);
  if (r.exitCode !== 0) throw new Error(`iptables ${args.join(' ')}: ${r.output.trim()} (needs NET_ADMIN)`);
}

/** Rules that drop everything between `h` and `peer`, in both chains. */
const dropRules = (peerIp: string): string[][] => [
  ['INPUT', '-s', peerIp, ...TAG, '-j', 'DROP'],
  ['OUTPUT', '-d', peerIp, ...TAG, '-j', 'DROP'],
];

/** Pairs an outcome with a heal that runs once, however often it is called. */
function withHeal(
  outcome: FaultInvocation['outcome'],
  undo: () => ReturnType<FaultInvocation['heal']>,
): FaultInvocation {
  let healed: ReturnType<FaultInvocation['heal']> | undefined;
  return { outcome, heal: () => (healed ??= undo()) };
}

/** Cuts hosts off: with no peers, from the whole lab network; with peers, only from those (e.g. a VRRP split). */
export const partitionFault: Fault = {
  name: 'partition',
  async invoke(targets, peers): Promise<FaultInvocation> {
    if (peers.length === 0) {
      const outcome = await runFaultAction('partition', targets, (h) => h.disconnect(), { scope: 'network' });
      return withHeal(outcome, () => runFaultAction('partition', targets, (h) => h.reconnect()));
    }
    const pairs = targets.flatMap((t) => peers.map((p) => [t, p] as const));
    const apply = (flag: '-I' | '-D') => async (h: FaultHost) => {
      for (const [t, p] of pairs) {
        if (h === t) for (const r of dropRules(p.ip)) await iptables(h, [flag, ...r]);
        if (h === p) for (const r of dropRules(t.ip)) await iptables(h, [flag, ...r]);
      }
    };
    const hosts = [...new Set([...targets, ...peers])];
    const outcome = await runFaultAction('partition', hosts, apply('-I'), {
      between: peers.map((p) => p.name),
    });
    return withHeal(outcome, () => runFaultAction('partition', hosts, apply('-D')));
  },
};

/** Drops a random share of packets in and out of the targets (iptables statistic). */
export function lossFault(probability: number): Fault {
  const rules = ['INPUT', 'OUTPUT'].map((chain) => [
    chain,
    '-m',
    'statistic',
    '--mode',
    'random',
    '--probability',
    String(probability),
    ...TAG,
    '-j',
    'DROP',
  ]);
  const apply = (flag: '-I' | '-D') => async (h: FaultHost) => {
    for (const r of rules) await iptables(h, [flag, ...r]);
  };
  return {
    name: 'loss',
    async invoke(targets): Promise<FaultInvocation> {
      const outcome = await runFaultAction('loss', targets, apply('-I'), { probability });
      return withHeal(outcome, () => runFaultAction('loss', targets, apply('-D')));
    },
  };
}

/** Delays (and jitters) the targets' egress with tc netem, where the kernel has it. */
export function delayFault(delayMs: number, jitterMs = 0): Fault {
  const netem = ['netem', 'delay', `${delayMs}ms`, ...(jitterMs ? [`${jitterMs}ms`] : [])];
  return {
    name: 'delay',
    async setup(hosts) {
      const probe = hosts[0];
      if (!probe) return undefined;
      const add = await probe.exec(['tc', 'qdisc', 'add', 'dev', 'eth0', 'root', ...netem]);
      if (add.exitCode !== 0)
        return `tc netem is not available on this kernel (${add.output.trim() || `exit ${add.exitCode}`}); delay faults cannot run here`;
      await probe.exec(['tc', 'qdisc', 'del', 'dev', 'eth0', 'root']);
      return undefined;
    },
    async invoke(targets): Promise<FaultInvocation> {
      const tc = (args: string[]) => async (h: FaultHost) => {
        const r = await h.exec(['tc', 'qdisc', ...args]);
        if (r.exitCode !== 0) throw new Error(`tc qdisc ${args.join(' ')}: ${r.output.trim()}`);
      };
      const outcome = await runFaultAction('delay', targets, tc(['add', 'dev', 'eth0', 'root', ...netem]), {
        delayMs,
        jitterMs,
        method: 'netem',
      });
      return withHeal(outcome, () => runFaultAction('delay', targets, tc(['del', 'dev', 'eth0', 'root'])));
    },
  };
}
