// keepalived beside a FreeSWITCH node (the basic scheme): VRRP unicast between two nodes, one VIP, a notify hook.
import type { HostSpec } from './host-spec.js';
import {
  selfFenceCheck,
  selfFenceOnState,
  selfFenceScript,
  selfFenceTrack,
} from './keepalived-self-fence.js';
import { renderLabTemplate } from './render-template.js';
import { Wait } from './wait.js';

/** One node's keepalived settings. */
export interface KeepalivedNodeOptions {
  /** Node name, the VRRP router_id. */
  node: string;
  selfIp: string;
  peerIp: string;
  vip: string;
  /** Higher wins an election (node 1: 150, node 2: 100). */
  priority: number;
  /** Both nodes start BACKUP and a returning node never takes the VIP back (default true; false = classic preempt). */
  nopreempt: boolean;
  /** VRRP virtual_router_id (default 40). */
  routerId?: number;
  /** Health-check script; default: the role's process is alive. */
  check?: string;
  /** Hook run with the new state ($1), e.g. `sofia recover` on MASTER. */
  onState?: string;
  /** Take over only as the calls' confirmed only owner (see keepalived-self-fence.ts); default off. */
  selfFence?: { peer: string; witnessIp: string; outranks: boolean };
}

const FENCE_SCRIPT = `vrrp_script chk_fence {
    script "/etc/keepalived/fence.sh"   # the self-fence: may this node own the calls?
    interval 1
    timeout 3
    fall 1
    rise 1
}`;

/** keepalived.conf for one node. */
export function keepalivedConf(o: KeepalivedNodeOptions): string {
  return renderLabTemplate('keepalived/keepalived.conf', {
    NODE: o.node,
    STATE: o.nopreempt || o.priority < 150 ? 'BACKUP' : 'MASTER',
    NOPREEMPT: o.nopreempt ? 'nopreempt' : '# preempt (keepalived default)',
    // The self-fence is its own track script: it must fail a split-off standby at once, before VRRP's
    // master-down timer (3 × advert + skew) fires, while the health check keeps fall 2 (one slow answer of a
    // loaded node must not move the VIP). An owner's verdict is immediate; a candidate's needs a ping (1 s)
    // and a witness query.
    FENCE_SCRIPT: o.selfFence ? FENCE_SCRIPT : '# no self-fence',
    FENCE_TRACK: o.selfFence ? 'chk_fence' : '',
    // an owner re-announces the VIP every second: a standby that took it for a moment gives the traffic back
    GARP_REFRESH: o.selfFence ? 'garp_master_refresh 1' : '# no periodic gratuitous ARP',
    ROUTER_ID: o.routerId ?? 40,
    PRIORITY: o.priority,
    SELF_IP: o.selfIp,
    PEER_IP: o.peerIp,
    VIP: o.vip,
  });
}

/** Wraps a FreeSWITCH host so keepalived runs beside its command; ready once VRRP has reported a state. */
export function withKeepalived(host: HostSpec, o: KeepalivedNodeOptions): HostSpec {
  const check = o.check ?? renderLabTemplate('keepalived/check.sh');
  const files = [
    { path: '/etc/keepalived/keepalived.conf', content: keepalivedConf(o) },
    { path: '/etc/keepalived/notify.sh', content: renderLabTemplate('keepalived/notify.sh'), mode: 0o755 },
    { path: '/etc/keepalived/start.sh', content: renderLabTemplate('keepalived/start.sh'), mode: 0o755 },
  ];
  if (o.selfFence) {
    // the role's check and hook run behind the self-fence's
    const sf = o.selfFence;
    files.push(
      { path: '/etc/keepalived/check.sh', content: selfFenceCheck, mode: 0o755 },
      { path: '/etc/keepalived/fence.sh', content: selfFenceTrack, mode: 0o755 },
      { path: '/etc/keepalived/node-check.sh', content: check, mode: 0o755 },
      { path: '/etc/keepalived/on-state.sh', content: selfFenceOnState, mode: 0o755 },
      {
        path: '/etc/keepalived/self-fence.sh',
        content: selfFenceScript({ node: o.node, peerIp: o.peerIp, ...sf }),
        mode: 0o755,
      },
    );
    if (o.onState) files.push({ path: '/etc/keepalived/node-on-state.sh', content: o.onState, mode: 0o755 });
  } else {
    files.push({ path: '/etc/keepalived/check.sh', content: check, mode: 0o755 });
    if (o.onState) files.push({ path: '/etc/keepalived/on-state.sh', content: o.onState, mode: 0o755 });
  }
  return {
    ...host,
    command: ['/etc/keepalived/start.sh', ...host.command],
    files: [...host.files, ...files],
    // Both nodes bind SIP and RTP to the VIP, held by only one of them at a time.
    sysctls: { ...host.sysctls, 'net.ipv4.ip_nonlocal_bind': '1' },
    caps: [...new Set([...(host.caps ?? []), 'NET_ADMIN', 'NET_RAW', 'NET_BROADCAST'])],
    readiness: Wait.all(host.readiness, Wait.forCommand(['test', '-s', '/run/zerodrop/vrrp-state'])),
  };
}
