// Two labs at once: distinct ids, networks and subnets; each reachable on its own; taking one down spares the other.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DockerRuntime } from '../src/lab/docker-runtime.js';
import { Lab } from '../src/lab/lab.js';
import { labLabel } from '../src/lab/lab-teardown.js';
import { sipOptionsProbe } from '../src/lab/sip-options-probe.js';

describe('two labs side by side', () => {
  it('come up together without colliding and go down independently', async () => {
    const runtime = await DockerRuntime.connect();
    const [a, b] = await Promise.all(
      ['a', 'b'].map((x) =>
        new Lab({ runtime, logsDir: join(tmpdir(), `zd-it-par-${x}-${process.pid}`) }).start(),
      ),
    );
    if (!a || !b) throw new Error('two labs expected');
    try {
      expect(a.id).not.toBe(b.id);
      expect(a.network).not.toBe(b.network);
      expect(a.addresses.subnet).not.toBe(b.addresses.subnet);
      expect(await sipOptionsProbe(a.addresses.proxy, 5060, { timeoutMs: 2_000 })).toBe(200);
      expect(await sipOptionsProbe(b.addresses.proxy, 5060, { timeoutMs: 2_000 })).toBe(200);
      // an id already in use is refused before anything is created, and the running lab is left alone
      await expect(new Lab({ runtime, id: a.id }).start()).rejects.toThrow(
        `lab id ${a.id} is already in use`,
      );
      expect(await sipOptionsProbe(a.addresses.proxy, 5060, { timeoutMs: 2_000 })).toBe(200);
      // each lab's hosts see only their own network
      const seen = await a.host('proxy').exec(`ip -4 -o addr show eth0`);
      expect(seen.stdout).toContain(a.addresses.proxy);
      expect(seen.stdout).not.toContain(b.addresses.subnet.replace('.0/24', '.'));
      await a.stop();
      expect(await runtime.listContainers(labLabel, a.id)).toEqual([]);
      expect((await runtime.listContainers(labLabel, b.id)).map((c) => c.status)).toEqual([
        'running',
        'running',
        'running',
      ]);
      expect(await sipOptionsProbe(b.addresses.proxy, 5060, { timeoutMs: 2_000 })).toBe(200);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expect(await runtime.listContainers(labLabel, b.id)).toEqual([]);
    expect(await runtime.listNetworks(labLabel, b.id)).toEqual([]);
  });
});
