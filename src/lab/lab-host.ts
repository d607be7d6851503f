// A started lab host: the handle faults, the failover controller and tests act on.
import { type ActionResult, attempt } from '../common/result.js';
import type { ContainerState, ExecOutput, HostFile, RuntimeContainer } from './container-runtime.js';
import type { HostRole } from './host-spec.js';
import type { ReadinessContext } from './wait.js';

/** One running host of a lab: exec, logs, and the fault operations (results, not throws). */
export class LabHost {
  constructor(
    /** Short name in the lab: pg, proxy, rtpengine, fs1, … */
    readonly name: string,
    readonly role: HostRole,
    /** Fixed address on the lab network. */
    readonly ip: string,
    private readonly container: RuntimeContainer,
    private readonly network: string,
  ) {}

  /** The container's id (for tools outside the lab). */
  get containerId(): string {
    return this.container.id;
  }

  /** Runs a command inside the host (a string goes through `sh -c`); throws LabError only if the runtime fails. */
  exec(
    command: string | string[],
    options?: { env?: Record<string, string>; user?: string },
  ): Promise<ExecOutput> {
    return this.container.exec(typeof command === 'string' ? ['sh', '-c', command] : command, options);
  }

  /** The last `tail` log lines (stdout and stderr). */
  logs(tail = 200): Promise<string[]> {
    return this.container.logs(tail);
  }

  /** Writes files into the host. */
  copyIn(files: HostFile[]): Promise<void> {
    return this.container.copyIn(files);
  }

  state(): Promise<ContainerState> {
    return this.container.state();
  }

  /** docker stop: SIGTERM, SIGKILL after timeoutS (default 10); the host keeps its IP and files. */
  stop(timeoutS = 10): Promise<ActionResult> {
    return attempt(() => this.container.stop(timeoutS)).then(stripValue);
  }

  /** docker start of a stopped or killed host. */
  start(): Promise<ActionResult> {
    return attempt(() => this.container.start()).then(stripValue);
  }

  /** Sends a signal to the host's init (default SIGKILL: the container dies at once). */
  kill(signal = 'SIGKILL'): Promise<ActionResult> {
    return attempt(() => this.container.kill(signal)).then(stripValue);
  }

  /** Freezes every process of the host (cgroup freezer); exec is impossible while paused. */
  pause(): Promise<ActionResult> {
    return attempt(() => this.container.pause()).then(stripValue);
  }

  unpause(): Promise<ActionResult> {
    return attempt(() => this.container.unpause()).then(stripValue);
  }

  /** Cuts the host off the lab network. */
  disconnect(): Promise<ActionResult> {
    return attempt(() => this.container.disconnect(this.network)).then(stripValue);
  }

  /** Puts the host back on the lab network with its fixed IP. */
  reconnect(): Promise<ActionResult> {
    return attempt(() => this.container.connect(this.network, this.ip)).then(stripValue);
  }

  /** What readiness checks see of this host. */
  readinessContext(signal?: AbortSignal): ReadinessContext {
    return {
      host: this.name,
      ip: this.ip,
      exec: (command) => this.container.exec(command),
      logs: (tail) => this.container.logs(tail),
      state: () => this.container.state(),
      signal,
    };
  }
}

const stripValue = (r: ActionResult<void>): ActionResult => {
  const { value: _unused, ...rest } = r;
  return rest;
};
