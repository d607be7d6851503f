// The keepalived topology against real containers: VRRP unicast between two nodes elects one master holding the
// VIP; when the master dies the other node takes the VIP and its notify hook runs. With the self-fence, a VRRP
// split leaves the master alone, and a master that really died is still taken over.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { delay, pollUntil } from '../src/common/wait.js';
import { partitionFault } from '../src/faults/network-faults.js';
import type { FreeswitchRole } from '../src/lab/freeswitch-role.js';
import { Lab } from '../src/lab/lab.js';
import type { LabHost } from '../src/lab/lab-host.js';
import { Wait } from '../src/lab/wait.js';
import { faultHost } from '../src/scenario/fault-hosts.js';

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
const takeovers = async (h: LabHost) =>
  (await h.exec('cat /run/zerodrop/takeovers 2>/dev/null || true')).stdout.split('\n').filter(Boolean).length;
const until = (what: () => Promise<boolean>, timeoutMs: number) =>
  pollUntil(async () => ((await what()) ? true : undefined), { timeoutMs, intervalMs: 200 });

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

  it('self-fence: a split-off standby goes FAULT instead of MASTER; a killed master is still taken over', async () => {
    await using lab = await new Lab({
      topology: 'keepalived',
      freeswitchNodes: 2,
      freeswitchRole: placeholderRole,
      selfFence: true,
      logsDir: join(tmpdir(), `zd-it-ka-sf-${process.pid}`),
    }).start();
    const vip = lab.addresses.vip;
    const master = await lab.vipHolder();
    if (!master) throw new Error('lab up without a single VIP holder');
    const standby = lab.freeswitch.find((h) => h !== master);
    if (!standby) throw new Error('two nodes expected');
    const before = await takeovers(standby);

    // VRRP split: the two nodes stop hearing each other, both still reach PostgreSQL (the witness)
    const cut = await partitionFault.invoke([faultHost(master)], [faultHost(standby)]);
    expect(cut.outcome.ok).toBe(true);
    expect(await until(async () => (await vrrpState(standby)) === 'FAULT', 8_000)).toBe(true);
    await delay(4_000); // well past VRRP's master-down timer (3 × advert_int + skew)
    expect(await holdsVip(master, vip)).toBe(true);
    expect(await holdsVip(standby, vip)).toBe(false);
    expect(await vrrpState(standby)).toBe('FAULT');
    expect(await takeovers(standby)).toBe(before);
    expect((await standby.exec('cat /run/zerodrop/self-fence.log')).stdout).toContain(
      'candidate:unreachable:owner -> fence',
    );

    // healed: the standby hears the master again and waits as BACKUP
    expect((await cut.heal()).ok).toBe(true);
    expect(await until(async () => (await vrrpState(standby)) === 'BACKUP', 8_000)).toBe(true);

    // a real death: the master's lease at the witness ends with it, so the standby takes over and its hook runs
    expect((await master.kill('SIGKILL')).ok).toBe(true);
    expect(await until(() => holdsVip(standby, vip), 12_000)).toBe(true);
    expect(await vrrpState(standby)).toBe('MASTER');
    // the hook runs after the state is recorded, and asks ping and the witness first
    expect(await until(async () => (await takeovers(standby)) === before + 1, 5_000)).toBe(true);
    expect((await standby.exec('cat /run/zerodrop/self-fence.log')).stdout).toMatch(
      /self-fence master: candidate:unreachable:none -> take/,
    );
  });
});
