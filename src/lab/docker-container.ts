// One Docker container behind the RuntimeContainer interface.
// testcontainers' client does exec, copy, inspect, stop and remove; its dockerode handle does what
// testcontainers has no API for: pause/unpause, kill with a chosen signal, start of a stopped container
// (its stop() removes and caches the stopped state), network disconnect/connect with a fixed IP, and a log
// snapshot (its logs() always follows, so it never ends for a running container).
import { execFile } from 'node:child_process';
import type Dockerode from 'dockerode';
import type { ContainerRuntimeClient, StartedTestContainer } from 'testcontainers';
import { errorMessage, LabError } from '../common/errors.js';
import type { ContainerState, ExecOutput, HostFile, RuntimeContainer } from './container-runtime.js';

/** Splits Docker's multiplexed log stream (8-byte frame headers) into text; raw text passes through. */
export function demuxDockerLog(buf: Buffer): string {
  const parts: string[] = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    const kind = buf[at];
    if (
      (kind !== 0 && kind !== 1 && kind !== 2) ||
      buf[at + 1] !== 0 ||
      buf[at + 2] !== 0 ||
      buf[at + 3] !== 0
    ) {
      return buf.toString('utf8'); // a TTY container: no framing
    }
    const size = buf.readUInt32BE(at + 4);
    parts.push(buf.subarray(at + 8, at + 8 + size).toString('utf8'));
    at += 8 + size;
  }
  return parts.join('');
}

const statusOf = (s: string): ContainerState['status'] =>
  (['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'] as const).find(
    (x) => x === s,
  ) ?? 'dead';

/** A container handle; `started` is present when this process started it through testcontainers. */
export class DockerContainer implements RuntimeContainer {
  private readonly handle: Dockerode.Container;

  constructor(
    private readonly client: ContainerRuntimeClient,
    readonly id: string,
    readonly name: string,
    private readonly started?: StartedTestContainer,
  ) {
    this.handle = client.container.getById(id);
  }

  private async run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw new LabError(this.name, operation, errorMessage(e), { cause: e });
    }
  }

  exec(
    command: string[],
    options: { env?: Record<string, string>; user?: string } = {},
  ): Promise<ExecOutput> {
    return this.run(`exec ${command.join(' ')}`, async () => {
      const r = await this.client.container.exec(this.handle, command, { ...options, log: false });
      return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
    });
  }

  async logs(tail = 200): Promise<string[]> {
    return this.run('logs', async () => {
      const buf = (await this.handle.logs({
        stdout: true,
        stderr: true,
        follow: false,
        tail,
      })) as unknown as Buffer;
      const text = demuxDockerLog(Buffer.isBuffer(buf) ? buf : Buffer.from(String(buf)));
      return text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
    });
  }

  copyIn(files: HostFile[]): Promise<void> {
    const started = this.started;
    if (!started)
      return Promise.reject(new LabError(this.name, 'copy', 'only for containers this process started'));
    return this.run('copy', () =>
      started.copyContentToContainer(
        files.map((f) => ({ content: f.content, target: f.path, mode: f.mode ?? 0o644 })),
      ),
    );
  }

  async state(): Promise<ContainerState> {
    try {
      const info = await this.client.container.inspect(this.handle);
      return { status: statusOf(info.State.Status), exitCode: info.State.ExitCode };
    } catch {
      return { status: 'missing' };
    }
  }

  stop(timeoutS: number): Promise<void> {
    return this.run('stop', () => this.handle.stop({ t: timeoutS }).then(() => undefined));
  }

  async start(): Promise<void> {
    await this.run('start', () => this.handle.start().then(() => undefined));
    await this.dropDefaultRoute();
  }

  /**
   * Removes the default route Docker installs even on an internal network, from the host side (nsenter into
   * the container's network namespace: no capability inside the container needed). Lab hosts only ever talk
   * on their /24, so no lab container keeps a route out. Docker re-adds it on start and connect.
   */
  async dropDefaultRoute(): Promise<void> {
    const info = await this.client.container.inspect(this.handle).catch(() => undefined);
    const pid = info?.State.Pid;
    if (!pid) return;
    await new Promise<void>((resolve) => {
      execFile('nsenter', ['-t', String(pid), '-n', 'ip', 'route', 'del', 'default'], () => resolve());
    });
  }

  kill(signal: string): Promise<void> {
    return this.run(`kill -s ${signal}`, () => this.handle.kill({ signal }).then(() => undefined));
  }

  pause(): Promise<void> {
    return this.run('pause', () => this.handle.pause().then(() => undefined));
  }

  unpause(): Promise<void> {
    return this.run('unpause', () => this.handle.unpause().then(() => undefined));
  }

  disconnect(network: string): Promise<void> {
    return this.run('network disconnect', () =>
      this.client.network
        .getById(network)
        .disconnect({ Container: this.id, Force: true })
        .then(() => undefined),
    );
  }

  async connect(network: string, ip: string): Promise<void> {
    await this.run('network connect', () =>
      this.client.network
        .getById(network)
        .connect({ Container: this.id, EndpointConfig: { IPAMConfig: { IPv4Address: ip } } })
        .then(() => undefined),
    );
    await this.dropDefaultRoute();
  }

  async remove(): Promise<void> {
    try {
      await this.handle.remove({ force: true, v: true });
    } catch (e) {
      if (!/no such container|404|already in progress/i.test(errorMessage(e))) {
        throw new LabError(this.name, 'remove', errorMessage(e), { cause: e });
      }
    }
  }
}
