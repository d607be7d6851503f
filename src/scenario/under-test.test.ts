import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFERENCE_ROOM_COUNT, conferenceRoomUser } from '../calls/conference-room.js';
import { fsSimBundlePath } from '../freeswitch/fs-sim-role.js';
import type { FreeswitchNodeContext } from '../lab/freeswitch-role.js';
import { labAddresses, rtpPortRange } from '../lab/lab-addresses.js';
import { underTestRole } from './under-test.js';

const addresses = labAddresses(7, 3);
const node: FreeswitchNodeContext = {
  labId: 'l',
  topology: 'farm',
  index: 1,
  name: 'fs1',
  ip: addresses.freeswitch[0]!,
  serviceIp: addresses.freeswitch[0]!,
  rtpPorts: rtpPortRange(1),
  addresses,
  labImage: 'zerodrop/lab:x',
};
const opts = { eslPassword: 'pw', coreDb: 'postgres', storage: 'per-node' } as const;
const last = conferenceRoomUser(CONFERENCE_ROOM_COUNT);

// Every room the call generator may name must be an extension of the node, or its members get 404.
describe('the dialplan under test', () => {
  it('gives a real FreeSWITCH one conference extension per room, each its own zd-<room> conference', () => {
    const spec = underTestRole({ kind: 'freeswitch', image: 'my/freeswitch:1.10' }, opts)(node);
    const xml = spec.files.find((f) => f.path.endsWith('/freeswitch.xml'))?.content ?? '';
    expect(xml).toContain('expression="^conference-1$"');
    expect(xml).toContain(`expression="^${last}$"`);
    expect(xml).toContain(`data="zd-${last}@default"`);
    expect(xml).toContain('expression="^bridge$"'); // the lab dialplan is still there
  });

  it.skipIf(!existsSync(fsSimBundlePath))('gives fs-sim the same rooms', () => {
    const spec = underTestRole({ kind: 'fs-sim' }, opts)(node);
    const config = JSON.parse(spec.files.find((f) => f.path.endsWith('config.json'))?.content ?? '{}') as {
      dialplan: { number: string; app: string }[];
    };
    const rooms = config.dialplan.filter((d) => d.app === 'conference').map((d) => d.number);
    expect(rooms).toContain('conference-1');
    expect(rooms).toContain(last);
    expect(config.dialplan.map((d) => d.number)).toContain('bridge');
  });
});
