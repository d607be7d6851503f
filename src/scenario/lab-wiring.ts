// Wiring of the lab's pluggable parts: the PostgreSQL init (recovery storage) and the FreeSWITCH role.
import type { FreeswitchRole } from '../lab/freeswitch-role.js';
import type { LabAddresses } from '../lab/lab-addresses.js';
import { rtpPortRange } from '../lab/lab-addresses.js';
import type { NodeHost } from '../recovery/node-host.js';
import { renderPostgresInit, type StorageLayout } from '../recovery/render-postgres-init.js';

/** The recovery storage's view of the lab's FreeSWITCH nodes. */
export function nodeHosts(
  addresses: LabAddresses,
  nodeNames: readonly string[],
  profile = 'internal',
): NodeHost[] {
  return nodeNames.map((node, i) => {
    const ip = addresses.freeswitch[i]!;
    const rtp = rtpPortRange(i + 1);
    return {
      node,
      switchname: node,
      sipIp: ip,
      mediaIp: ip,
      profile,
      rtpPortMin: rtp.min,
      rtpPortMax: rtp.max,
      state: 'up',
    };
  });
}

/** A PostgreSQL init renderer for the lab, in the given storage layout. */
export function postgresInitFor(layout: StorageLayout) {
  return (addresses: LabAddresses, nodeNames: string[]): string =>
    renderPostgresInit({ nodes: nodeHosts(addresses, nodeNames), layout }).sql;
}

/** Options the lab commands and the runner share. */
export interface LabWiring {
  freeswitchRole?: FreeswitchRole;
  postgresInitSql: (addresses: LabAddresses, nodeNames: string[]) => string;
}
