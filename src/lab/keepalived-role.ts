// keepalived beside a FreeSWITCH node (the basic scheme): VRRP unicast between two nodes, one VIP, a notify hook.
import type { HostSpec } from './host-spec.js';
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
}

/** keepalived.conf for one node. */
export function keepalivedConf(o: KeepalivedNodeOptions): string {
  return renderLabTemplate('keepalived/keepalived.conf', {
    NODE: o.node,
    STATE: o.nopreempt || o.priority < 150 ? 'BACKUP' : 'MASTER',
    NOPREEMPT: o.nopreempt ? 'nopreempt' : '# preempt (keepalived default)',
    ROUTER_ID: o.routerId ?? 40,
    PRIORITY: o.priority,
    SELF_IP: o.selfIp,
    PEER_IP: o.peerIp,
    VIP: o.vip,
  });
}

/** Wraps a FreeSWITCH host so keepalived runs beside its command; ready once VRRP has reported a state. */
export function withKeepalived(host: HostSpec, o: KeepalivedNodeOptions): HostSpec {
  const files = [
    { path: '/etc/keepalived/keepalived.conf', content: keepalivedConf(o) },
    { path: '/etc/keepalived/notify.sh', content: renderLabTemplate('keepalived/notify.sh'), mode: 0o755 },
    { path: '/etc/keepalived/start.sh', content: renderLabTemplate('keepalived/start.sh'), mode: 0o755 },
    {
      path: '/etc/keepalived/check.sh',
      content: o.check ?? renderLabTemplate('keepalived/check.sh'),
      mode: 0o755,
    },
  ];
  if (o.onState) files.push({ path: '/etc/keepalived/on-state.sh', content: o.onState, mode: 0o755 });
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
