import { describe, expect, it } from 'vitest';
import type { FreeswitchRole } from './freeswitch-role.js';
import { labAddresses } from './lab-addresses.js';
import { topologyProblem, topologyStages } from './lab-topology.js';
import { Wait } from './wait.js';

// A role renderer that records what the lab told it (the lab's contract with fs-sim / real FreeSWITCH).
const seen: unknown[] = [];
const role: FreeswitchRole = (node) => {
  seen.push(node);
  return {
    command: ['fs', node.name],
    files: [{ path: '/etc/fs.json', content: node.serviceIp }],
    readiness: Wait.forCommand(['true']),
  };
};
const plan = (topology: 'farm' | 'single' | 'keepalived', n: number) => ({
  labId: 'abc',
  topology,
  freeswitchNodes: n,
  freeswitchRole: role,
  image: 'zerodrop/lab:test',
  addresses: labAddresses(9, n),
});

describe('topologyStages', () => {
  it('farm: PostgreSQL and RTPEngine first, then the proxy (after RTPEngine) together with the nodes', () => {
    const stages = topologyStages(plan('farm', 3));
    expect(stages.map((s) => s.map((h) => h.name))).toEqual([
      ['pg', 'rtpengine'],
      ['proxy', 'fs1', 'fs2', 'fs3'],
    ]);
    expect(stages[1]?.map((h) => h.ip)).toEqual(['198.19.9.20', '198.19.9.41', '198.19.9.42', '198.19.9.43']);
  });
  it('gives each node its context: own IP as service IP, disjoint RTP ports', () => {
    seen.length = 0;
    topologyStages(plan('farm', 2));
    expect(seen).toMatchObject([
      {
        index: 1,
        name: 'fs1',
        ip: '198.19.9.41',
        serviceIp: '198.19.9.41',
        rtpPorts: { min: 20000, max: 20999 },
      },
      { index: 2, name: 'fs2', serviceIp: '198.19.9.42', rtpPorts: { min: 21000 } },
    ]);
  });
  it('keepalived: nodes serve on the VIP and run keepalived beside the role command with the caps VRRP needs', () => {
    const [pg, nodes] = topologyStages(plan('keepalived', 2));
    expect(pg?.map((h) => h.name)).toEqual(['pg']);
    const fs1 = nodes?.[0];
    expect(fs1?.command).toEqual(['/etc/keepalived/start.sh', 'fs', 'fs1']);
    expect(fs1?.files.find((f) => f.path === '/etc/fs.json')?.content).toBe('198.19.9.40');
    expect(fs1?.sysctls).toEqual({ 'net.ipv4.ip_nonlocal_bind': '1' });
    expect(fs1?.caps).toEqual(expect.arrayContaining(['NET_ADMIN', 'NET_RAW', 'NET_BROADCAST']));
    expect(fs1?.files.find((f) => f.path === '/etc/keepalived/keepalived.conf')?.content).toContain(
      '198.19.9.42',
    );
  });
  it('single: PostgreSQL, then the one node; no proxy', () => {
    expect(
      topologyStages(plan('single', 1))
        .flat()
        .map((h) => h.name),
    ).toEqual(['pg', 'fs1']);
  });
  it('names what is wrong with a node count', () => {
    expect(topologyProblem('keepalived', 3, true)).toMatch(/exactly 2/);
    expect(topologyProblem('single', 2, true)).toMatch(/at most 1/);
    expect(topologyProblem('farm', 2, false)).toMatch(/no FreeSWITCH role/);
    expect(topologyProblem('mesh', 0, false)).toMatch(/unknown topology "mesh"/);
    expect(() => topologyStages({ ...plan('single', 1), freeswitchNodes: 2 })).toThrow(/lab.topology/);
  });
});
