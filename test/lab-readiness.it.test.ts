// Readiness against real containers: N FreeSWITCH-role hosts start and join the dispatcher; a host that never
// becomes ready fails the bring-up with its name and last log lines, and the lab is still torn down.
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReadinessTimeoutError } from '../src/common/errors.js';
import { DockerRuntime } from '../src/lab/docker-runtime.js';
import type { FreeswitchRole } from '../src/lab/freeswitch-role.js';
import { Lab } from '../src/lab/lab.js';
import { labLabel } from '../src/lab/lab-teardown.js';
import { Wait } from '../src/lab/wait.js';

// TEST-ONLY PLACEHOLDER, not a FreeSWITCH role that ships: a shell that logs what the lab told it and sleeps.
// It stands in for fs-sim only to check that the lab places N role hosts; it speaks no SIP.
const placeholderRole =
  (readiness: Wait): FreeswitchRole =>
  (node) => ({
    command: [
      'sh',
      '-c',
      `echo placeholder ${node.name} serving on ${node.serviceIp}; cat /etc/placeholder.txt; exec sleep infinity`,
    ],
    files: [
      { path: '/etc/placeholder.txt', content: `waiting for a database at ${node.addresses.postgres}\n` },
    ],
    readiness,
  });

describe('lab readiness', () => {
  let runtime: DockerRuntime;
  beforeAll(async () => {
    runtime = await DockerRuntime.connect();
  });

  it('starts N FreeSWITCH-role hosts at .41.. with the files their role rendered, all in the proxy dispatcher', async () => {
    await using lab = await new Lab({
      freeswitchNodes: 3,
      freeswitchRole: placeholderRole(Wait.forLogLine(/placeholder fs\d serving/)),
      logsDir: join(tmpdir(), `zd-it-nodes-${process.pid}`),
    }).start();
    expect(lab.freeswitch.map((h) => `${h.name}@${h.ip}`)).toEqual(
      [1, 2, 3].map((i) => `fs${i}@${lab.addresses.subnet.replace('0/24', String(40 + i))}`),
    );
    for (const fs of lab.freeswitch) {
      expect((await fs.exec('cat /etc/placeholder.txt')).stdout).toBe(
        `waiting for a database at ${lab.addresses.postgres}\n`,
      );
      expect((await fs.exec('ps -o args= -p 1')).stdout).toMatch(/docker-init/); // --init
    }
    const ds = await lab.host('proxy').exec(['kamcmd', 'dispatcher.list']);
    for (const ip of lab.addresses.freeswitch) expect(ds.stdout).toContain(`sip:${ip}:5060`);
  });

  it('a host that never becomes ready: ReadinessTimeoutError naming it with its last log lines; nothing left', async () => {
    const id = `nr${process.pid % 10_000}`;
    const logsDir = join(tmpdir(), `zd-it-notready-${process.pid}`);
    const start = performance.now();
    const error = await new Lab({
      id,
      freeswitchNodes: 1,
      freeswitchRole: placeholderRole(Wait.forCommand(['test', '-e', '/run/never-ready']).withTimeout(2_000)),
      logsDir,
    })
      .start()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ReadinessTimeoutError);
    const e = error as ReadinessTimeoutError;
    expect(e.host).toBe('fs1');
    expect(e.waitedMs).toBeGreaterThanOrEqual(1_900);
    expect(e.lastLogLines.join('\n')).toMatch(
      /placeholder fs1 serving on 198\.19\.\d+\.41\nwaiting for a database at 198\.19\.\d+\.10/,
    );
    expect(e.message).toMatch(/^fs1 not ready after \d+ ms: `test -e \/run\/never-ready` exits 0: timed out/);
    expect(e.message).toContain('--- last log lines of fs1 ---');
    expect(performance.now() - start).toBeLessThan(20_000);
    expect(await runtime.listContainers(labLabel, id)).toEqual([]);
    expect(await runtime.listNetworks(labLabel, id)).toEqual([]);
    expect(await readFile(join(logsDir, 'fs1.log'), 'utf8')).toContain('placeholder fs1 serving');
  });

  it('a host whose process exits fails at once, without waiting for the timeout', async () => {
    const id = `ex${process.pid % 10_000}`;
    const role: FreeswitchRole = () => ({
      command: ['sh', '-c', 'echo cannot open /etc/freeswitch/vars.xml >&2; exit 3'],
      files: [],
      readiness: Wait.forCommand(['true']).withTimeout(60_000),
    });
    const start = performance.now();
    const error = await new Lab({
      id,
      topology: 'single',
      freeswitchNodes: 1,
      freeswitchRole: role,
      logsDir: join(tmpdir(), id),
    })
      .start()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadinessTimeoutError);
    expect((error as ReadinessTimeoutError).message).toMatch(
      /fs1 not ready .*container exited \(exit code 3\)/,
    );
    expect((error as ReadinessTimeoutError).lastLogLines).toContain('cannot open /etc/freeswitch/vars.xml');
    expect(performance.now() - start).toBeLessThan(15_000);
    expect(await runtime.listContainers(labLabel, id)).toEqual([]);
  });
});
