// The keepalived topology against real containers: VRRP unicast between two nodes elects one master holding the
// VIP; when the master dies the other node takes the VIP and its notify hook runs.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pollUntil } from '../src/common/wait.js';
import type { FreeswitchRole } from '../src/lab/freeswitch-role.js';
import { Lab } from '../src/lab/lab.js';
import type { LabHost } from '../src/lab/lab-host.js';
import { Wait } from '../src/lab/wait.js';

// TEST-ONLY PLACEHOLDER, not a shipped FreeSWITCH role: a shell that sleeps; its hook records MASTER takeovers.
const placeholderRole: FreeswitchRole = (node) => ({
  command: ['sh', '-c', `echo placeholder ${node.name} on ${node.serviceIp}; exec sleep infinity`],
  files: [],
  readiness: Wait.forLogLine(/placeholder fs\d on/),
  keepalivedOnState: '#!/bin/sh\n[ "$1" = MASTER ] && echo "took over" >> /run/zerodrop/takeovers\nexit 0\n',
});

const holdsVip = async (h: LabHost, vip: string) =>
  (await h.exec('ip -4 -o addr show eth0')).stdout.includes(`${vip}/`);
const vrrpState = async (h: LabHost) => (await h.exec('cat /run/zerodrop/vrrp-state')).stdout.trim();

describe('keepalived topology', () => {
  it('elects one master for the VIP and moves it when the master dies', async () => {
    await using lab = await new Lab({
      topology: 'keepalived',
      freeswitchNodes: 2,
      freeswitchRole: placeholderRole,
      logsDir: join(tmpdir(), `zd-it-ka-${process.pid}`),
    }).start();
    const [fs1, fs2] = lab.freeswitch;
    if (!fs1 || !fs2) throw new Error('two nodes expected');
    const vip = lab.addresses.vip;
    // the lab is up only once exactly one node holds the VIP
    const master = await lab.vipHolder();
    if (!master) throw new Error('lab up without a single VIP holder');
    expect(await holdsVip(master, vip)).toBe(true);
    const standby = master === fs1 ? fs2 : fs1;
    expect(await vrrpState(master)).toBe('MASTER');
    expect(await vrrpState(standby)).toBe('BACKUP');
    expect((await master.kill('SIGKILL')).ok).toBe(true);
    const moved = await pollUntil(async () => ((await holdsVip(standby, vip)) ? true : undefined), {
      timeoutMs: 10_000,
      intervalMs: 200,
    });
    expect(moved).toBe(true);
    expect(await vrrpState(standby)).toBe('MASTER');
    expect((await standby.exec('cat /run/zerodrop/takeovers')).stdout).toContain('took over');
  });
});
