// `lab up` as a child process: SIGINT during bring-up leaves nothing behind; SIGINT after bring-up takes the lab
// down cleanly (checked by label through the Docker API).
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../src/lab/docker-runtime.js';
import { labLabel } from '../src/lab/lab-teardown.js';

const root = join(import.meta.dirname, '..');

/** Starts `lab up` and resolves helpers to wait for an output line and for the exit. */
function labUp(id: string) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/lab/lab-main.ts', 'lab', 'up', '--id', id],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of waiters.filter((x) => x.re.test(out))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitFor = (re: RegExp, timeoutMs = 60_000) =>
    new Promise<void>((resolve, reject) => {
      if (re.test(out)) return resolve();
      const timer = setTimeout(() => reject(new Error(`no ${re} in output:\n${out}`)), timeoutMs);
      waiters.push({
        re,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  return { child, exited, waitFor, output: () => out };
}

describe('lab up under signals', () => {
  let runtime: DockerRuntime;
  beforeAll(async () => {
    runtime = await DockerRuntime.connect();
  });

  it('SIGINT during bring-up: the lab is torn down and nothing labelled is left', async () => {
    const id = `sig${process.pid % 10_000}`;
    const up = labUp(id);
    await up.waitFor(/pg \(postgres\) started/); // mid-way: containers exist, services not all ready
    expect((await runtime.listContainers(labLabel, id)).length).toBeGreaterThan(0);
    up.child.kill('SIGINT');
    const exit = await up.exited;
    expect(exit.signal === 'SIGINT' || (exit.code ?? 0) !== 0).toBe(true);
    expect(up.output()).toMatch(/bring-up failed .*; tearing down/);
    expect(up.output()).not.toMatch(/up in \d+ ms/);
    expect(await runtime.listContainers(labLabel, id)).toEqual([]);
    expect(await runtime.listNetworks(labLabel, id)).toEqual([]);
  });

  it('SIGINT once the lab is up: it goes down, saves logs and exits 0', async () => {
    const id = `sigu${process.pid % 10_000}`;
    const up = labUp(id);
    await up.waitFor(/Ctrl-C to take the lab down/);
    expect((await runtime.listContainers(labLabel, id)).map((c) => c.labels['zerodrop.host']).sort()).toEqual(
      ['pg', 'proxy', 'rtpengine'],
    );
    up.child.kill('SIGINT');
    const exit = await up.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(up.output()).toMatch(new RegExp(`lab ${id} down; logs in .*reports/labs/${id}`));
    expect(await runtime.listContainers(labLabel, id)).toEqual([]);
    expect(await runtime.listNetworks(labLabel, id)).toEqual([]);
  });
});
