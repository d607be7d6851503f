// What runs on the FreeSWITCH nodes: fs-sim (CI, the default) or a real FreeSWITCH from the user's image.

import { fsSimRole } from '../freeswitch/fs-sim-role.js';
import { labDialplan } from '../freeswitch/lab-dialplan.js';
import { realFreeswitchRole } from '../freeswitch/real-freeswitch-role.js';
import type { FreeswitchRole } from '../lab/freeswitch-role.js';
import { nodeSchema } from '../recovery/node-host.js';

/** The implementation under test. */
export type UnderTest = { kind: 'fs-sim' } | { kind: 'freeswitch'; image: string; binary?: string };

/** The lab role for it; every node gets the same ESL password and the lab dialplan. */
export function underTestRole(
  u: UnderTest,
  o: { eslPassword: string; coreDb: 'postgres' | 'sqlite'; storage: 'per-node' | 'shared' },
): FreeswitchRole {
  // renderPostgresInit's default logins: fs_<node> per node, or the one shared role `fs` (password = user)
  const dbLogin =
    o.storage === 'shared'
      ? () => ({ user: 'fs', password: 'fs' })
      : (n: { name: string }) => ({ user: nodeSchema(n.name), password: nodeSchema(n.name) });
  if (u.kind === 'fs-sim') return fsSimRole({ eslPassword: o.eslPassword, coreDb: o.coreDb, dbLogin });
  return (node) =>
    realFreeswitchRole({
      image: u.image,
      ...(u.binary ? { binary: u.binary } : {}),
      eslPassword: o.eslPassword,
      dbLogin,
      dialplan: labDialplan(node.addresses.gateway),
    })(node);
}
