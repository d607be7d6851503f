import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type PeerLease, selfFenceScript, selfFenceVerdict, verdictTable } from './keepalived-self-fence.js';

const LEASES: PeerLease[] = ['owner', 'standby', 'none', 'unknown'];

describe('self-fence decision', () => {
  it('an owner stays eligible whatever it sees, and a reachable peer makes the lease moot (the script skips both)', () => {
    for (const peerLease of LEASES)
      for (const outranks of [true, false]) {
        expect(selfFenceVerdict({ role: 'owner', peerReachable: false, peerLease, outranks }).eligible).toBe(
          true,
        );
        expect(
          selfFenceVerdict({ role: 'candidate', peerReachable: true, peerLease, outranks }).eligible,
        ).toBe(true);
      }
  });

  it('a VRRP split: a standby that cannot hear a peer alive at the witness never takes the calls', () => {
    const v = selfFenceVerdict({
      role: 'candidate',
      peerReachable: false,
      peerLease: 'owner',
      outranks: true,
    });
    expect(v).toEqual({
      eligible: false,
      reason: 'peer unreachable but alive at the witness and owns the calls',
    });
  });

  it('a dead peer (lease ran out) is taken over; without the witness nobody is', () => {
    const c = { role: 'candidate', peerReachable: false, outranks: false } as const;
    expect(selfFenceVerdict({ ...c, peerLease: 'none' }).eligible).toBe(true);
    expect(selfFenceVerdict({ ...c, peerLease: 'unknown' }).eligible).toBe(false);
  });

  it('two live standbys cut off from each other: only the higher priority may take over', () => {
    const c = { role: 'candidate', peerReachable: false, peerLease: 'standby' } as const;
    expect(selfFenceVerdict({ ...c, outranks: true }).eligible).toBe(true);
    expect(selfFenceVerdict({ ...c, outranks: false }).eligible).toBe(false);
  });

  it('the table covers every input once', () => {
    const keys = verdictTable(true).map((r) => r.key);
    expect(keys).toHaveLength(16);
    expect(new Set(keys).size).toBe(16);
    expect(keys).toContain('candidate:unreachable:owner');
  });
});

describe('self-fence script', () => {
  const script = selfFenceScript({
    node: 'fs2',
    peer: 'fs1',
    peerIp: '198.19.5.41',
    witnessIp: '198.19.5.10',
    outranks: false,
  });

  it('asks the witness for the peer’s lease and keeps its own, named by node and standing', () => {
    expect(script).not.toContain('{{');
    expect(script).toContain('ping -c 1 -W 1 198.19.5.41');
    expect(script).toContain("application_name like 'zdlease-fs1-%' and state = 'active'");
    expect(script).toContain('PGAPPNAME=zdlease-fs2-$tag');
    expect(script).toContain("-c 'select pg_sleep(3)'");
  });

  it('its case table gives the decision’s verdict (run under sh)', () => {
    // the generated case statement alone, fed each key: the shell must agree with selfFenceVerdict
    const table = script.slice(script.indexOf('case "$role'), script.indexOf('esac') + 4);
    const dir = mkdtempSync(join(tmpdir(), 'zd-sf-'));
    const file = join(dir, 'table.sh');
    writeFileSync(file, `role=$1; reach=$2; lease=$3\n${table}\necho $ok\n`);
    for (const { key, verdict } of verdictTable(false)) {
      const out = execFileSync('sh', [file, ...key.split(':')], { encoding: 'utf8' }).trim();
      expect(`${key} ${out}`).toBe(`${key} ${verdict.eligible ? 1 : 0}`);
    }
    expect(execFileSync('sh', [file, 'owner', 'odd', 'x'], { encoding: 'utf8' }).trim()).toBe('0');
  });
});
