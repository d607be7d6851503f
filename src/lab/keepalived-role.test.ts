import { describe, expect, it } from 'vitest';
import type { HostSpec } from './host-spec.js';
import { keepalivedConf, withKeepalived } from './keepalived-role.js';
import { Wait } from './wait.js';

const base = {
  node: 'fs1',
  selfIp: '198.19.5.41',
  peerIp: '198.19.5.42',
  vip: '198.19.5.40',
  priority: 150,
  nopreempt: true,
};
const host: HostSpec = {
  name: 'fs1',
  role: 'freeswitch',
  ip: '198.19.5.41',
  image: 'img',
  command: ['fs'],
  files: [],
  env: {},
  readiness: Wait.forLogLine(/up/),
};
const file = (h: HostSpec, path: string) => h.files.find((f) => f.path === path)?.content;

describe('keepalived config', () => {
  it('preempt (keepalived default): the priority-150 node starts MASTER and takes the VIP back', () => {
    const conf = keepalivedConf({ ...base, nopreempt: false });
    expect(conf).toMatch(/state MASTER\s+# preempt \(keepalived default\)/);
    expect(conf).not.toMatch(/^\s*nopreempt/m);
    expect(keepalivedConf({ ...base, priority: 100, nopreempt: false })).toMatch(/state BACKUP\s+# preempt/);
  });

  it('nopreempt: both nodes start BACKUP and a returning node stays BACKUP', () => {
    const conf = keepalivedConf(base);
    expect(conf).toMatch(/state BACKUP\s+nopreempt/);
    expect(conf).toMatch(/fall 2/);
    expect(conf).toContain('# no periodic gratuitous ARP');
    expect(conf).toContain('# no self-fence');
    expect(conf).not.toContain('chk_fence');
    expect(conf).not.toContain('{{');
  });

  it('self-fence: its own track script fails at once (the health check keeps fall 2), the owner refreshes ARP', () => {
    const conf = keepalivedConf({
      ...base,
      selfFence: { peer: 'fs2', witnessIp: '198.19.5.10', outranks: true },
    });
    expect(conf).toMatch(/vrrp_script chk_node \{[^}]*fall 2/);
    expect(conf).toMatch(
      /vrrp_script chk_fence \{\s+script "\/etc\/keepalived\/fence\.sh"[^}]*timeout 3\s+fall 1\s+rise 1/,
    );
    expect(conf).toMatch(/track_script \{\s+chk_node\s+chk_fence\s+\}/);
    expect(conf).toContain('garp_master_refresh 1');
  });
});

describe('withKeepalived', () => {
  it('without self-fence the role’s check and hook are keepalived’s', () => {
    const h = withKeepalived(host, { ...base, check: '#!/bin/sh\nexit 0\n', onState: '#!/bin/sh\n' });
    expect(file(h, '/etc/keepalived/check.sh')).toBe('#!/bin/sh\nexit 0\n');
    expect(file(h, '/etc/keepalived/on-state.sh')).toBe('#!/bin/sh\n');
    expect(file(h, '/etc/keepalived/self-fence.sh')).toBeUndefined();
    expect(h.command).toEqual(['/etc/keepalived/start.sh', 'fs']);
  });

  it('with self-fence the role’s check and hook run behind it', () => {
    const h = withKeepalived(host, {
      ...base,
      check: '#!/bin/sh\nexit 0\n',
      onState: '#!/bin/sh\n# recover\n',
      selfFence: { peer: 'fs2', witnessIp: '198.19.5.10', outranks: true },
    });
    expect(file(h, '/etc/keepalived/check.sh')).toContain('/etc/keepalived/node-check.sh || exit 1');
    expect(file(h, '/etc/keepalived/check.sh')).toContain('/etc/keepalived/self-fence.sh lease');
    expect(file(h, '/etc/keepalived/fence.sh')).toContain('exec /etc/keepalived/self-fence.sh check');
    expect(file(h, '/etc/keepalived/node-check.sh')).toBe('#!/bin/sh\nexit 0\n');
    expect(file(h, '/etc/keepalived/on-state.sh')).toContain(
      'MASTER) /etc/keepalived/self-fence.sh master || exit 0',
    );
    expect(file(h, '/etc/keepalived/node-on-state.sh')).toBe('#!/bin/sh\n# recover\n');
    expect(file(h, '/etc/keepalived/self-fence.sh')).toContain('zdlease-fs2-%');
  });
});
