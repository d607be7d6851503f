// Lab addresses: one 198.19.<n>.0/24 per lab, fixed host numbers by role, disjoint RTP ranges per node.
import { ScenarioConfigError } from '../common/errors.js';

/** Every address a lab's hosts and the harness use. */
export interface LabAddresses {
  /** Third octet of 198.19.<n>.0/24. */
  subnetIndex: number;
  subnet: string;
  /** The bridge's host side: the harness sends and receives from here. */
  gateway: string;
  postgres: string;
  proxy: string;
  rtpengine: string;
  /** The keepalived virtual IP. */
  vip: string;
  /** FreeSWITCH node addresses in node order (.41, .42, …). */
  freeswitch: string[];
}

/** Host numbers inside the /24, by role. */
export const HostNumber = {
  gateway: 1,
  postgres: 10,
  proxy: 20,
  rtpengine: 30,
  vip: 40,
  firstFreeswitch: 41,
} as const;

/** Most FreeSWITCH nodes a lab can hold (.41 … .99). */
export const maxFreeswitchNodes = 59;

/** RTP ports of node i (1-based): disjoint 1000-port blocks, so moved calls keep their port numbers. */
export function rtpPortRange(nodeIndex: number): { min: number; max: number } {
  const min = 20_000 + (nodeIndex - 1) * 1_000;
  return { min, max: min + 999 };
}

/** RTPEngine's media port range (outside every FreeSWITCH block). */
export const rtpenginePortRange = { min: 10_000, max: 19_999 } as const;

/** The addresses of lab n with this many FreeSWITCH nodes. */
export function labAddresses(subnetIndex: number, freeswitchNodes: number): LabAddresses {
  if (!Number.isInteger(subnetIndex) || subnetIndex < 1 || subnetIndex > 254) {
    throw new ScenarioConfigError('lab.subnetIndex', `must be 1..254, got ${subnetIndex}`);
  }
  if (!Number.isInteger(freeswitchNodes) || freeswitchNodes < 0 || freeswitchNodes > maxFreeswitchNodes) {
    throw new ScenarioConfigError(
      'lab.freeswitchNodes',
      `must be 0..${maxFreeswitchNodes}, got ${freeswitchNodes}`,
    );
  }
  const ip = (host: number) => `198.19.${subnetIndex}.${host}`;
  return {
    subnetIndex,
    subnet: `198.19.${subnetIndex}.0/24`,
    gateway: ip(HostNumber.gateway),
    postgres: ip(HostNumber.postgres),
    proxy: ip(HostNumber.proxy),
    rtpengine: ip(HostNumber.rtpengine),
    vip: ip(HostNumber.vip),
    freeswitch: Array.from({ length: freeswitchNodes }, (_, i) => ip(HostNumber.firstFreeswitch + i)),
  };
}

/** True when two IPv4 CIDRs overlap. */
export function cidrOverlaps(a: string, b: string): boolean {
  const parse = (cidr: string): [number, number] | undefined => {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr.trim());
    if (!m) return undefined;
    const n = m.slice(1, 5).reduce((acc, o) => acc * 256 + Number(o), 0);
    const bits = Number(m[5]);
    const size = 2 ** (32 - bits);
    return [Math.floor(n / size) * size, size];
  };
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) return false;
  return pa[0] < pb[0] + pb[1] && pb[0] < pa[0] + pa[1];
}

/** Lab subnet indexes free of every used subnet, starting at `from` and wrapping round. */
export function freeSubnetIndexes(used: readonly string[], from = 1): number[] {
  const out: number[] = [];
  for (let k = 0; k < 254; k++) {
    const n = ((from - 1 + k) % 254) + 1;
    if (!used.some((u) => cidrOverlaps(u, `198.19.${n}.0/24`))) out.push(n);
  }
  return out;
}
