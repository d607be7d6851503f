// The Docker implementation of ContainerRuntime, built on testcontainers 11 and its runtime client.
// testcontainers: container create/start, file copy before start, exec, inspect, stop/remove.
// Its runtime client (dockerode) for what testcontainers has no API for: an internal network with an
// explicit subnet (its Network class cannot), a fixed IP and `--init` (GenericContainer has no option;
// a small subclass sets them on the create request), sysctls, listing/removing by label from any process.
import type { ContainerRuntimeClient, GenericContainer } from 'testcontainers';
import { errorMessage, LabError } from '../common/errors.js';
import type {
  ContainerRuntime,
  ContainerSpec,
  LabelledContainer,
  LabelledNetwork,
  NetworkSpec,
  RuntimeContainer,
  RuntimeNetwork,
} from './container-runtime.js';
import { DockerContainer } from './docker-container.js';

type Testcontainers = typeof import('testcontainers');

/** testcontainers reads these when it loads: no ryuk (its image cannot be pulled here) and no docker-host guess. */
function prepareTestcontainersEnv(): void {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= 'localhost';
}

/** A GenericContainer with a fixed IP on one network, `--init` and sysctls (no testcontainers API for them). */
function fixedIpContainer(tc: Testcontainers, spec: ContainerSpec): GenericContainer {
  class FixedIpContainer extends tc.GenericContainer {
    protected override async beforeContainerCreated(): Promise<void> {
      this.hostConfig.Init = true;
      this.hostConfig.NetworkMode = spec.network;
      if (spec.sysctls) this.hostConfig.Sysctls = spec.sysctls;
      this.createOpts.NetworkingConfig = {
        EndpointsConfig: {
          [spec.network]: { IPAMConfig: { IPv4Address: spec.ip }, Aliases: [spec.hostname] },
        },
      };
    }
  }
  const c = new FixedIpContainer(spec.image)
    .withName(spec.name)
    .withHostname(spec.hostname)
    .withCommand(spec.command)
    .withEnvironment(spec.env)
    .withLabels(spec.labels)
    .withNetworkMode(spec.network)
    .withCopyContentToContainer(
      spec.files.map((f) => ({ content: f.content, target: f.path, mode: f.mode ?? 0o644 })),
    )
    .withStartupTimeout(30_000);
  return spec.caps?.length ? c.withAddedCapabilities(...spec.caps) : c;
}

const labelFilter = (key: string, value?: string) =>
  JSON.stringify({ label: [value ? `${key}=${value}` : key] });

/** ContainerRuntime over the local Docker daemon. */
export class DockerRuntime implements ContainerRuntime {
  private constructor(
    private readonly tc: Testcontainers,
    private readonly client: ContainerRuntimeClient,
  ) {}

  /** Loads testcontainers (after setting its environment) and connects to the daemon. */
  static async connect(): Promise<DockerRuntime> {
    prepareTestcontainersEnv();
    const tc = await import('testcontainers');
    try {
      return new DockerRuntime(tc, await tc.getContainerRuntimeClient());
    } catch (e) {
      throw new LabError(
        'docker',
        'connect',
        `${errorMessage(e)} (is dockerd running? try: zerodrop setup)`,
        {
          cause: e,
        },
      );
    }
  }

  async imageExists(image: string): Promise<boolean> {
    try {
      await this.client.container.dockerode.getImage(image).inspect();
      return true;
    } catch {
      return false;
    }
  }

  async usedSubnets(): Promise<string[]> {
    const nets = await this.client.container.dockerode.listNetworks();
    return nets.flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? '').filter((s) => s !== ''));
  }

  async createNetwork(spec: NetworkSpec): Promise<RuntimeNetwork> {
    const net = await this.client.network.create({
      Name: spec.name,
      Driver: 'bridge',
      Internal: true,
      CheckDuplicate: true,
      Labels: spec.labels,
      IPAM: { Driver: 'default', Config: [{ Subnet: spec.subnet, Gateway: spec.gateway }] },
    });
    return { id: net.id, name: spec.name };
  }

  async removeNetwork(idOrName: string): Promise<void> {
    try {
      await this.client.network.getById(idOrName).remove();
    } catch (e) {
      if (!/no such network|not found|404/i.test(errorMessage(e))) {
        throw new LabError(idOrName, 'network remove', errorMessage(e), { cause: e });
      }
    }
  }

  async startContainer(spec: ContainerSpec): Promise<RuntimeContainer> {
    try {
      const started = await fixedIpContainer(this.tc, spec).start();
      const container = new DockerContainer(this.client, started.getId(), spec.hostname, started);
      await container.dropDefaultRoute();
      return container;
    } catch (e) {
      throw new LabError(spec.hostname, 'start', errorMessage(e), { cause: e });
    }
  }

  container(id: string): RuntimeContainer {
    return new DockerContainer(this.client, id, id.slice(0, 12));
  }

  async listContainers(labelKey: string, labelValue?: string): Promise<LabelledContainer[]> {
    const list = await this.client.container.dockerode.listContainers({
      all: true,
      filters: labelFilter(labelKey, labelValue),
    });
    return list.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
      labels: c.Labels,
      status: c.State,
      ip: Object.values(c.NetworkSettings?.Networks ?? {})[0]?.IPAddress || undefined,
    }));
  }

  async listNetworks(labelKey: string, labelValue?: string): Promise<LabelledNetwork[]> {
    const nets = await this.client.container.dockerode.listNetworks({
      filters: labelFilter(labelKey, labelValue),
    });
    return nets.map((n) => ({
      id: n.Id,
      name: n.Name,
      labels: n.Labels ?? {},
      subnet: n.IPAM?.Config?.[0]?.Subnet,
      internal: n.Internal === true,
    }));
  }
}
