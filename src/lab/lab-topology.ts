// Topologies of the seed talk, as the ordered stages of hosts a lab starts (hosts of a stage start together).
import { ScenarioConfigError } from '../common/errors.js';
import { type FreeswitchNodeContext, type FreeswitchRole, freeswitchHost } from './freeswitch-role.js';
import type { HostSpec } from './host-spec.js';
import { type KamailioOptions, kamailioHost } from './kamailio-role.js';
import { withKeepalived } from './keepalived-role.js';
import { type LabAddresses, maxFreeswitchNodes, rtpPortRange } from './lab-addresses.js';
import { opensipsDispatcherSql, opensipsHost } from './opensips-role.js';
import { type PostgresOptions, postgresHost } from './postgres-role.js';
import type { ProxyChoice } from './proxy-choice.js';
import { rtpengineHost } from './rtpengine-role.js';

/** farm: proxy + RTPEngine + N nodes + PostgreSQL; single: one node + PostgreSQL; keepalived: two nodes + VIP. */
export const Topology = { farm: 'farm', single: 'single', keepalived: 'keepalived' } as const;
export type TopologyName = (typeof Topology)[keyof typeof Topology];

/** True for a known topology name. */
export const isTopologyName = (s: string): s is TopologyName => Object.values<string>(Topology).includes(s);

/** Everything that decides which hosts a lab runs. */
export interface TopologyPlan {
  labId: string;
  topology: TopologyName;
  freeswitchNodes: number;
  freeswitchRole?: FreeswitchRole;
  image: string;
  addresses: LabAddresses;
  postgres?: PostgresOptions;
  /** Proxy timings (Kamailio's or OpenSIPS's). */
  kamailio?: KamailioOptions;
  /** farm: the proxy (default Kamailio from the lab image). */
  proxy?: ProxyChoice;
  /** keepalived topology: nopreempt on both nodes (default true). */
  nopreempt?: boolean;
  /** keepalived topology: a node takes over only as the calls' confirmed only owner (default false). */
  selfFence?: boolean;
}

/** Checks the node count against the topology; returns a problem or undefined. */
export function topologyProblem(
  topology: string,
  freeswitchNodes: number,
  hasRole: boolean,
): string | undefined {
  if (!isTopologyName(topology))
    return `unknown topology ${JSON.stringify(topology)} (farm | single | keepalived)`;
  if (!Number.isInteger(freeswitchNodes) || freeswitchNodes < 0) return `FreeSWITCH nodes must be ≥ 0`;
  if (freeswitchNodes > maxFreeswitchNodes) return `at most ${maxFreeswitchNodes} FreeSWITCH nodes`;
  if (topology === 'single' && freeswitchNodes > 1)
    return 'the single topology has at most 1 FreeSWITCH node';
  if (topology === 'keepalived' && freeswitchNodes !== 0 && freeswitchNodes !== 2) {
    return 'the keepalived topology has exactly 2 FreeSWITCH nodes (or 0 for the infrastructure alone)';
  }
  if (freeswitchNodes > 0 && !hasRole)
    return `${freeswitchNodes} FreeSWITCH nodes asked for, but no FreeSWITCH role given`;
  return undefined;
}

/** The node context handed to the FreeSWITCH role. */
export function freeswitchNodeContext(plan: TopologyPlan, index: number): FreeswitchNodeContext {
  const ip = plan.addresses.freeswitch[index - 1];
  if (ip === undefined) throw new ScenarioConfigError('lab.freeswitchNodes', `no address for node ${index}`);
  return {
    labId: plan.labId,
    topology: plan.topology,
    index,
    name: `fs${index}`,
    ip,
    serviceIp: plan.topology === 'keepalived' ? plan.addresses.vip : ip,
    rtpPorts: rtpPortRange(index),
    addresses: plan.addresses,
    labImage: plan.image,
  };
}

/** The hosts to start, stage by stage: PostgreSQL (and RTPEngine) first, then the proxy and the nodes together. */
export function topologyStages(plan: TopologyPlan): HostSpec[][] {
  const problem = topologyProblem(plan.topology, plan.freeswitchNodes, plan.freeswitchRole !== undefined);
  if (problem) throw new ScenarioConfigError('lab.topology', problem);
  const nodes: HostSpec[] = [];
  for (let i = 1; i <= plan.freeswitchNodes; i++) {
    const ctx = freeswitchNodeContext(plan, i);
    const role = plan.freeswitchRole?.(ctx);
    if (!role) throw new ScenarioConfigError('lab.freeswitchRole', 'missing');
    const host = freeswitchHost(ctx, role);
    if (plan.topology !== 'keepalived') {
      nodes.push(host);
      continue;
    }
    const peer = plan.addresses.freeswitch[i === 1 ? 1 : 0] ?? '';
    nodes.push(
      withKeepalived(host, {
        node: ctx.name,
        selfIp: ctx.ip,
        peerIp: peer,
        vip: plan.addresses.vip,
        priority: i === 1 ? 150 : 100,
        nopreempt: plan.nopreempt ?? true,
        check: role.keepalivedCheck,
        onState: role.keepalivedOnState,
        ...(plan.selfFence
          ? {
              selfFence: {
                peer: `fs${i === 1 ? 2 : 1}`,
                witnessIp: plan.addresses.postgres,
                outranks: i === 1,
              },
            }
          : {}),
      }),
    );
  }
  if (plan.topology !== 'farm')
    return [[postgresHost(plan.image, plan.addresses, plan.postgres)], nodes].filter((s) => s.length > 0);
  const opensips = plan.proxy?.kind === 'opensips' ? plan.proxy : undefined;
  // OpenSIPS reads its dispatcher destinations from PostgreSQL at start-up: they go in with the init SQL.
  const pg = postgresHost(
    plan.image,
    plan.addresses,
    opensips
      ? {
          ...plan.postgres,
          initSql: [plan.postgres?.initSql ?? '', opensipsDispatcherSql(plan.addresses)].join('\n'),
        }
      : plan.postgres,
  );
  const proxy = opensips
    ? opensipsHost(opensips.image, plan.addresses, plan.kamailio)
    : kamailioHost(plan.image, plan.addresses, plan.kamailio);
  // RTPEngine must answer before the proxy starts, or Kamailio disables it for 60 s. The nodes need PostgreSQL
  // but not the proxy (its dispatcher probes them once a second), so they start beside it.
  return [
    [pg, rtpengineHost(plan.image, plan.addresses)],
    [proxy, ...nodes],
  ];
}
