import { describe, expect, it } from 'vitest';
import { dockerdArgs, planEngine } from './docker-engine.js';
import { cidrOverlaps } from './lab-addresses.js';

describe('planEngine', () => {
  it('does nothing where Docker already answers, whatever else is missing', () => {
    expect(planEngine({ dockerAnswers: true, isRoot: false, hasApt: false, missing: ['dockerd'] })).toEqual({
      kind: 'ready',
    });
  });
  it('installs the missing packages and starts dockerd when root with apt', () => {
    expect(
      planEngine({
        dockerAnswers: false,
        isRoot: true,
        hasApt: true,
        missing: ['dockerd', 'docker', 'zstd'],
      }),
    ).toEqual({
      kind: 'bootstrap',
      install: ['docker.io', 'zstd'],
      startDaemon: true,
    });
  });
  it('refuses without root, and without apt when something is missing', () => {
    expect(planEngine({ dockerAnswers: false, isRoot: false, hasApt: true, missing: [] }).kind).toBe(
      'impossible',
    );
    expect(
      planEngine({ dockerAnswers: false, isRoot: true, hasApt: false, missing: ['debootstrap'] }),
    ).toMatchObject({
      kind: 'impossible',
      reason: expect.stringContaining('debootstrap'),
    });
  });
  it('keeps the daemon bridge and pools inside 198.18.0.0/15', () => {
    const bip = dockerdArgs[0].replace('--bip=', '').replace('.1/24', '.0/24');
    const pool = /base=([^,]+)/.exec(dockerdArgs[2])?.[1] ?? '';
    expect(cidrOverlaps(bip, '198.18.0.0/15') && cidrOverlaps(pool, '198.18.0.0/15')).toBe(true);
    expect(cidrOverlaps(pool, '198.19.0.0/16')).toBe(false); // lab subnets never collide with the pool
  });
});
