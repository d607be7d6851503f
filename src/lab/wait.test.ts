import { describe, expect, it } from 'vitest';
import { ReadinessTimeoutError } from '../common/errors.js';
import type { ContainerState } from './container-runtime.js';
import { type ReadinessContext, Wait } from './wait.js';

// A scripted host: what a readiness check can see, driven by the test.
const host = (state: ContainerState = { status: 'running' }): ReadinessContext => ({
  host: 'fs1',
  ip: '198.19.1.41',
  exec: async () => ({ exitCode: 1, stdout: '', stderr: 'no' }),
  logs: async (tail) => ['booting', 'cannot reach 198.19.1.10:5432'].slice(-tail),
  state: async () => state,
});

describe('Wait', () => {
  it('polls until the check passes and returns the time waited', async () => {
    let probes = 0;
    const w = Wait.custom('third time lucky', async () =>
      ++probes >= 3 ? true : `probe ${probes}`,
    ).withInterval(5);
    expect(await w.waitUntilReady(host())).toBeGreaterThanOrEqual(0);
    expect(probes).toBe(3);
  });

  it('times out with a ReadinessTimeoutError naming the host, the wait, the last reason and the last log lines', async () => {
    const w = Wait.custom('ESL answers', async () => 'connection refused')
      .withTimeout(60)
      .withInterval(10);
    const e = await w.waitUntilReady(host()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ReadinessTimeoutError);
    const r = e as ReadinessTimeoutError;
    expect(r.host).toBe('fs1');
    expect(r.lastLogLines).toEqual(['booting', 'cannot reach 198.19.1.10:5432']);
    expect(r.message).toMatch(
      /^fs1 not ready after \d+ ms: ESL answers: timed out; last: connection refused/,
    );
    expect(r.message).toContain('--- last log lines of fs1 ---\nbooting\ncannot reach');
  });

  it('fails at once when the container has exited, with its exit code', async () => {
    const w = Wait.custom('never', async () => 'not yet').withTimeout(60_000);
    const t0 = performance.now();
    const e = await w.waitUntilReady(host({ status: 'exited', exitCode: 3 })).catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/container exited \(exit code 3\)/);
    expect(performance.now() - t0).toBeLessThan(1_000);
  });

  it('all: checks in order, reports the first one not ready, takes the largest timeout', async () => {
    const a = Wait.custom('a', async () => true).withTimeout(100);
    const b = Wait.forCommand(['test', '-e', '/ready']).withTimeout(300);
    const both = Wait.all(a, b);
    expect(both.description).toBe('a and `test -e /ready` exits 0');
    expect(both.timeoutMs).toBe(300);
    const e = await both
      .withTimeout(30)
      .waitUntilReady(host())
      .catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/last: `test -e \/ready` exits 0: exit 1: no/);
  });
});
