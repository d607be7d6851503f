// keepalived self-fence: a node takes over only when it can confirm it will be the calls' only owner.
//
// VRRP alone cannot tell a dead peer from one it merely cannot hear (a VRRP split): both nodes become MASTER and
// the second `sofia recover` steals live calls, leaving zombies behind. The self-fence adds a witness both nodes
// reach, the lab's PostgreSQL: while a node's FreeSWITCH is healthy it keeps a short lease there (a session named
// zdlease-<node>-<owner|standby> that sleeps LEASE_S seconds, renewed every second), and a node that cannot hear
// its peer asks the witness whether the peer is still alive before it becomes, or acts as, MASTER.
import { renderLabTemplate } from './render-template.js';

/** This node's standing: owner = MASTER that took the calls with the self-fence's consent; else candidate. */
export type FenceRole = 'owner' | 'candidate';
/** The peer's lease at the witness; unknown = the witness could not be asked. */
export type PeerLease = 'owner' | 'standby' | 'none' | 'unknown';

/** What the decision looks at. */
export interface SelfFenceInput {
  role: FenceRole;
  /** The peer answers directly (ping): VRRP hears it too, so the election is sound. */
  peerReachable: boolean;
  peerLease: PeerLease;
  /** This node's VRRP priority is higher than the peer's. */
  outranks: boolean;
}

/** eligible: may be (or stay) MASTER and recover; fence: must not, and drops to FAULT. */
export interface SelfFenceVerdict {
  eligible: boolean;
  reason: string;
}

/** The self-fence decision (the rendered script's table is generated from it). */
export function selfFenceVerdict(i: SelfFenceInput): SelfFenceVerdict {
  if (i.role === 'owner') return { eligible: true, reason: 'owner: holds the calls' };
  if (i.peerReachable) return { eligible: true, reason: 'peer reachable: VRRP elects soundly' };
  switch (i.peerLease) {
    case 'none':
      return { eligible: true, reason: 'peer unreachable and its lease ran out: it is gone' };
    case 'unknown':
      return {
        eligible: false,
        reason: 'neither the peer nor the witness answers: this node may be the one cut off',
      };
    case 'owner':
      return { eligible: false, reason: 'peer unreachable but alive at the witness and owns the calls' };
    case 'standby':
      return i.outranks
        ? { eligible: true, reason: 'peer unreachable, alive, owns nothing, and this node outranks it' }
        : { eligible: false, reason: 'peer unreachable, alive, owns nothing, and outranks this node' };
  }
}

const ROLES: readonly FenceRole[] = ['owner', 'candidate'];
const LEASES: readonly PeerLease[] = ['owner', 'standby', 'none', 'unknown'];

/** Every input combination for a node of fixed rank, as `role:reach:lease` → verdict (the script's case table). */
export function verdictTable(outranks: boolean): { key: string; verdict: SelfFenceVerdict }[] {
  return ROLES.flatMap((role) =>
    [true, false].flatMap((peerReachable) =>
      LEASES.map((peerLease) => ({
        key: `${role}:${peerReachable ? 'reachable' : 'unreachable'}:${peerLease}`,
        verdict: selfFenceVerdict({ role, peerReachable, peerLease, outranks }),
      })),
    ),
  );
}

/** One node's self-fence settings. */
export interface SelfFenceOptions {
  node: string;
  peer: string;
  peerIp: string;
  /** The witness: PostgreSQL's address (the lab's pg host; trusted logins from the lab subnet). */
  witnessIp: string;
  outranks: boolean;
  /** How long one lease lives, in seconds (renewed every second while healthy; default 3: two checks may miss). */
  leaseS?: number;
}

/** lab/keepalived/self-fence.sh for one node: `lease`, `check` (track script), `master` (before the MASTER hook). */
export function selfFenceScript(o: SelfFenceOptions): string {
  const table = verdictTable(o.outranks)
    .map(
      ({ key, verdict }) =>
        `  ${key}) ${verdict.eligible ? 'ok=1' : 'ok=0'}; why='${verdict.reason.replace(/'/g, '')}' ;;`,
    )
    .join('\n');
  return renderLabTemplate('keepalived/self-fence.sh', {
    NODE: o.node,
    PEER: o.peer,
    PEER_IP: o.peerIp,
    WITNESS_IP: o.witnessIp,
    LEASE_S: o.leaseS ?? 3,
    TABLE: table,
  });
}

/** The health check with the self-fence: the role's check, then the lease renewed while it passes. */
export const selfFenceCheck = `#!/bin/sh
# keepalived health check (chk_node): the FreeSWITCH role's check; while it passes, this node's lease is renewed.
/etc/keepalived/node-check.sh || exit 1
/etc/keepalived/self-fence.sh lease
exit 0
`;

/** The self-fence's own track script (chk_fence: fall 1, so a split-off standby fails before VRRP promotes it). */
export const selfFenceTrack = `#!/bin/sh
# keepalived track script (chk_fence): may this node own the calls? exit 1 = FAULT (gives up or never takes the VIP)
exec /etc/keepalived/self-fence.sh check
`;

/** The state hook with the self-fence: MASTER recovers only with its consent; leaving MASTER ends ownership. */
export const selfFenceOnState = `#!/bin/sh
# keepalived state hook with the self-fence, in front of the FreeSWITCH role's own hook (node-on-state.sh).
case "$1" in
  MASTER) /etc/keepalived/self-fence.sh master || exit 0 ;;
  *) rm -f /run/zerodrop/owner ;;
esac
[ -x /etc/keepalived/node-on-state.sh ] || exit 0
exec /etc/keepalived/node-on-state.sh "$1"
`;
