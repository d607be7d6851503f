// A FreeSWITCH node as the recovery storage knows it: its addresses, profile, RTP range and state.
import { ScenarioConfigError } from '../common/errors.js';

/** Lifecycle of a node in the hosts table; only 'up' nodes receive calls. */
export const NodeState = {
  up: 'up',
  down: 'down',
  fenced: 'fenced',
  draining: 'draining',
} as const;
export type NodeState = (typeof NodeState)[keyof typeof NodeState];

/** One row of the hosts table. */
export interface NodeHost {
  /** Node id, e.g. 'a' or 'fs1' (lower case letters, digits, '-', '_'). */
  node: string;
  /** FreeSWITCH switchname; written to `hostname` and `<cdr switchname>`. */
  switchname: string;
  /** IPv4 address the sofia profile binds SIP to. */
  sipIp: string;
  /** IPv4 address RTP binds to (local_media_ip / advertised_media_ip). */
  mediaIp: string;
  /** Sofia profile that recovers calls on this node. */
  profile: string;
  /** First port of this node's RTP range (inclusive). */
  rtpPortMin: number;
  /** Last port of this node's RTP range (inclusive). */
  rtpPortMax: number;
  state: NodeState;
}

const NODE_RE = /^[a-z][a-z0-9_-]{0,39}$/;
const IPV4_RE = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const NAME_RE = /^[A-Za-z0-9_.-]{1,64}$/;

/** The PostgreSQL role and schema a node uses in the per-node layout: `fs_<node>`. */
export function nodeSchema(node: string): string {
  return `fs_${node.replace(/-/g, '_')}`;
}

/** True for a dotted-quad IPv4 address. */
export function isIpv4(ip: string): boolean {
  return IPV4_RE.test(ip);
}

/** Checks a host description; throws ScenarioConfigError naming the field that is wrong. */
export function validateNodeHost(host: NodeHost, where = `hosts.${host.node}`): NodeHost {
  const bad = (field: string, problem: string): never => {
    throw new ScenarioConfigError(`${where}.${field}`, problem);
  };
  if (!NODE_RE.test(host.node)) bad('node', `'${host.node}' must match ${NODE_RE}`);
  if (!NAME_RE.test(host.switchname)) bad('switchname', `'${host.switchname}' must match ${NAME_RE}`);
  if (!NAME_RE.test(host.profile)) bad('profile', `'${host.profile}' must match ${NAME_RE}`);
  if (!isIpv4(host.sipIp)) bad('sipIp', `'${host.sipIp}' is not an IPv4 address`);
  if (!isIpv4(host.mediaIp)) bad('mediaIp', `'${host.mediaIp}' is not an IPv4 address`);
  const portOk = (p: number) => Number.isInteger(p) && p >= 1024 && p <= 65535;
  if (!portOk(host.rtpPortMin)) bad('rtpPortMin', `${host.rtpPortMin} is not a port in 1024..65535`);
  if (!portOk(host.rtpPortMax) || host.rtpPortMax < host.rtpPortMin + 1)
    bad('rtpPortMax', `${host.rtpPortMax} must be a port above rtpPortMin ${host.rtpPortMin}`);
  if (!Object.values(NodeState).includes(host.state)) bad('state', `'${host.state}' is not a node state`);
  return host;
}

/** Checks a set of hosts: each valid, ids/switchnames/addresses distinct, RTP ranges disjoint. */
export function validateNodeHosts(hosts: readonly NodeHost[]): readonly NodeHost[] {
  const seen = new Map<string, string>();
  const once = (kind: string, value: string, node: string) => {
    const prev = seen.get(`${kind}:${value}`);
    if (prev !== undefined && prev !== node)
      throw new ScenarioConfigError(`hosts.${node}.${kind}`, `'${value}' is also used by node ${prev}`);
    seen.set(`${kind}:${value}`, node);
  };
  for (const h of hosts) {
    validateNodeHost(h);
    once('node', h.node, `${h.node}#${hosts.indexOf(h)}`);
    once('switchname', h.switchname, h.node);
    once('sipIp', h.sipIp, h.node);
    once('mediaIp', h.mediaIp, h.node);
  }
  const sorted = [...hosts].sort((x, y) => x.rtpPortMin - y.rtpPortMin);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.rtpPortMin <= prev.rtpPortMax)
      throw new ScenarioConfigError(
        `hosts.${cur.node}.rtpPortMin`,
        `RTP range ${cur.rtpPortMin}-${cur.rtpPortMax} overlaps node ${prev.node}'s ${prev.rtpPortMin}-${prev.rtpPortMax}`,
      );
  }
  return hosts;
}
