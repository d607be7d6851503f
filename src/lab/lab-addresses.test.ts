import { describe, expect, it } from 'vitest';
import { cidrOverlaps, freeSubnetIndexes, labAddresses, rtpPortRange } from './lab-addresses.js';

describe('labAddresses', () => {
  it('places roles at fixed host numbers in 198.19.<n>.0/24', () => {
    const a = labAddresses(7, 3);
    expect(a).toMatchObject({
      subnet: '198.19.7.0/24',
      gateway: '198.19.7.1',
      postgres: '198.19.7.10',
      proxy: '198.19.7.20',
      rtpengine: '198.19.7.30',
      vip: '198.19.7.40',
      freeswitch: ['198.19.7.41', '198.19.7.42', '198.19.7.43'],
    });
  });
  it('rejects a subnet index or node count out of range, naming the field', () => {
    expect(() => labAddresses(0, 1)).toThrow(/lab.subnetIndex/);
    expect(() => labAddresses(3, 60)).toThrow(/lab.freeswitchNodes/);
  });
  it('gives every node a disjoint RTP block', () => {
    const [a, b] = [rtpPortRange(1), rtpPortRange(2)];
    expect(a.max).toBeLessThan(b.min);
    expect(a.max - a.min).toBe(999);
  });
});

describe('subnet choice', () => {
  it('detects overlap between CIDRs of different sizes', () => {
    expect(cidrOverlaps('198.18.0.0/15', '198.19.4.0/24')).toBe(true);
    expect(cidrOverlaps('198.18.0.0/24', '198.19.4.0/24')).toBe(false);
    expect(cidrOverlaps('198.19.4.0/24', '198.19.4.0/24')).toBe(true);
  });
  it('skips subnets in use, including the ones a wider pool covers', () => {
    const free = freeSubnetIndexes(['198.19.1.0/24', '198.19.2.0/23', '198.18.0.0/24']);
    expect(free.slice(0, 2)).toEqual([4, 5]);
    expect(free).not.toContain(3);
  });
  it('finds nothing when 198.19.0.0/16 is taken whole', () => {
    expect(freeSubnetIndexes(['198.19.0.0/16'])).toEqual([]);
  });
});
