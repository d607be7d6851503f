// The FreeSWITCH role: a pluggable description of what runs on each FreeSWITCH node (fs-sim in CI, a real
// FreeSWITCH image for users). The lab only places it; the caller renders its config, so lab never imports
// src/freeswitch.
import type { HostFile } from './container-runtime.js';
import type { HostSpec } from './host-spec.js';
import type { LabAddresses } from './lab-addresses.js';
import type { TopologyName } from './lab-topology.js';
import type { Wait } from './wait.js';

/** What the role renderer knows about the node it configures. */
export interface FreeswitchNodeContext {
  labId: string;
  topology: TopologyName;
  /** 1-based node number. */
  index: number;
  /** fs1, fs2, … (also the host name, the dispatcher's `name=` and a good switchname). */
  name: string;
  /** The node's own address. */
  ip: string;
  /** Where SIP and RTP bind and what they advertise: the VIP in the keepalived topology, else `ip`. */
  serviceIp: string;
  /** This node's disjoint RTP port block. */
  rtpPorts: { min: number; max: number };
  addresses: LabAddresses;
  /** The lab image, for roles that run from it (fs-sim). */
  labImage: string;
}

/** One FreeSWITCH node as the role supplies it. */
export interface FreeswitchRoleSpec {
  /** Default: the lab image. */
  image?: string;
  command: string[];
  files: HostFile[];
  env?: Record<string, string>;
  /** When the node is ready (e.g. ESL answers, SIP profile up). */
  readiness: Wait;
  sysctls?: Record<string, string>;
  caps?: string[];
  /** keepalived topology: health-check script (exit 0 = healthy); default: the role's process is alive. */
  keepalivedCheck?: string;
  /** keepalived topology: run with $1 = MASTER|BACKUP|FAULT|STOP on each VRRP change (e.g. `sofia recover`). */
  keepalivedOnState?: string;
}

/** Renders one node's role; called once per node at bring-up. */
export type FreeswitchRole = (node: FreeswitchNodeContext) => FreeswitchRoleSpec;

/** The host spec of one FreeSWITCH node. */
export function freeswitchHost(node: FreeswitchNodeContext, role: FreeswitchRoleSpec): HostSpec {
  return {
    name: node.name,
    role: 'freeswitch',
    ip: node.ip,
    image: role.image ?? node.labImage,
    command: role.command,
    files: role.files,
    env: role.env ?? {},
    readiness: role.readiness,
    sysctls: role.sysctls,
    caps: role.caps,
  };
}
