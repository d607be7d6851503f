// A running lab: its hosts by name, its addresses, and the one way back down (logs saved, everything removed).
import { LabError } from '../common/errors.js';
import type { ContainerRuntime } from './container-runtime.js';
import type { LabAddresses } from './lab-addresses.js';
import type { LabHost } from './lab-host.js';
import { type TeardownResult, teardownLab } from './lab-teardown.js';
import type { TopologyName } from './lab-topology.js';

/** A lab after stop(): what was removed and where its logs are. */
export interface StoppedLab extends TeardownResult {
  id: string;
}

/** A started lab; `await using lab = await new Lab(o).start()` stops it at scope exit. */
export class StartedLab implements AsyncDisposable {
  private stopping?: Promise<StoppedLab>;

  constructor(
    readonly id: string,
    readonly topology: TopologyName,
    readonly addresses: LabAddresses,
    /** The lab's Docker network name. */
    readonly network: string,
    /** Every host, in start order. */
    readonly hosts: readonly LabHost[],
    private readonly runtime: ContainerRuntime,
    /** Where stop() writes each host's log. */
    readonly logsDir: string,
    private readonly progress: (line: string) => void,
  ) {}

  /** The host called name (pg, proxy, rtpengine, fs1, …); throws LabError naming the known ones. */
  host(name: string): LabHost {
    const h = this.hosts.find((x) => x.name === name);
    if (!h)
      throw new LabError(
        name,
        'lookup',
        `no such host in lab ${this.id} (${this.hosts.map((x) => x.name).join(', ')})`,
      );
    return h;
  }

  /** The FreeSWITCH nodes in node order. */
  get freeswitch(): LabHost[] {
    return this.hosts.filter((h) => h.role === 'freeswitch');
  }

  /** keepalived topology: the node whose eth0 holds the VIP now (a paused or dead node counts as not holding it). */
  async vipHolder(): Promise<LabHost | undefined> {
    const holds = await Promise.all(
      this.freeswitch.map(async (h) => {
        const r = await h.exec(['ip', '-4', '-o', 'addr', 'show', 'eth0']).catch(() => undefined);
        return r?.stdout.includes(` ${this.addresses.vip}/`) ?? false;
      }),
    );
    const holders = this.freeswitch.filter((_, i) => holds[i]);
    return holders.length === 1 ? holders[0] : undefined;
  }

  /** Saves every host's log and removes all containers and the network; idempotent. */
  stop(): Promise<StoppedLab> {
    this.stopping ??= teardownLab(this.runtime, this.id, {
      logsDir: this.logsDir,
      onProgress: (l) => this.progress(l.replace(/^\[lab [^\]]+\] /, '')),
    }).then((r) => ({ ...r, id: this.id }));
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
