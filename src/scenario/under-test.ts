// What runs on the FreeSWITCH nodes: fs-sim (CI, the default) or a real FreeSWITCH from the user's image.

import { conferenceRoomUsers } from '../calls/conference-room.js';
import { fsSimRole } from '../freeswitch/fs-sim-role.js';
import { labDialplan } from '../freeswitch/lab-dialplan.js';
import { realFreeswitchRole } from '../freeswitch/real-freeswitch-role.js';
import type { FreeswitchRole } from '../lab/freeswitch-role.js';
import { nodeSchema } from '../recovery/node-host.js';

/** The implementation under test. */
export type UnderTest = { kind: 'fs-sim' } | { kind: 'freeswitch'; image: string; binary?: string };

/** The lab dialplan plus one extension per conference room the call generator may fill. */
function dialplan(gateway: string) {
  return [
    ...labDialplan(gateway),
    ...conferenceRoomUsers().map((number) => ({ number, app: 'conference' as const })),
  ];
}

/** The lab role for it; every node gets the same ESL password and the lab dialplan with its rooms. */
export function underTestRole(
  u: UnderTest,
  o: { eslPassword: string; coreDb: 'postgres' | 'sqlite'; storage: 'per-node' | 'shared' },
): FreeswitchRole {
  // renderPostgresInit's default logins: fs_<node> per node, or the one shared role `fs` (password = user)
  const dbLogin =
    o.storage === 'shared'
      ? () => ({ user: 'fs', password: 'fs' })
      : (n: { name: string }) => ({ user: nodeSchema(n.name), password: nodeSchema(n.name) });
  if (u.kind === 'fs-sim') {
    const base = { eslPassword: o.eslPassword, coreDb: o.coreDb, dbLogin };
    fsSimRole(base); // fails now, not at the first node, when the bundle was not built
    return (node) => fsSimRole({ ...base, dialplan: dialplan(node.addresses.gateway) })(node);
  }
  return (node) =>
    realFreeswitchRole({
      image: u.image,
      ...(u.binary ? { binary: u.binary } : {}),
      eslPassword: o.eslPassword,
      dbLogin,
      dialplan: dialplan(node.addresses.gateway),
    })(node);
}
