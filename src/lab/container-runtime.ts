// The container runtime as the lab sees it: networks and containers in zerodrop's own types.
// The Docker implementation (testcontainers + its dockerode client) lives behind this interface, so
// no Docker type leaks into the lab, the faults or the scenario runner (STYLE rule 10).

/** A file written into a container before it starts. */
export interface HostFile {
  /** Absolute path inside the container. */
  path: string;
  content: string;
  /** Unix mode, default 0o644 (use 0o755 for scripts). */
  mode?: number;
}

/** An internal network with an explicit subnet. */
export interface NetworkSpec {
  name: string;
  /** CIDR, e.g. 198.19.7.0/24. */
  subnet: string;
  /** The host side of the bridge, e.g. 198.19.7.1. */
  gateway: string;
  labels: Record<string, string>;
}

/** A network the runtime created. */
export interface RuntimeNetwork {
  id: string;
  name: string;
}

/** Everything needed to create and start one lab container. */
export interface ContainerSpec {
  name: string;
  hostname: string;
  image: string;
  command: string[];
  env: Record<string, string>;
  labels: Record<string, string>;
  /** Network name; the container gets exactly this one network, no route out. */
  network: string;
  /** Fixed IPv4 address on that network. */
  ip: string;
  files: HostFile[];
  sysctls?: Record<string, string>;
  caps?: string[];
}

/** Output of a command run inside a container. */
export interface ExecOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** State of a container as the runtime reports it. */
export interface ContainerState {
  status: 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead' | 'missing';
  exitCode?: number;
}

/** One running (or stopped, or paused) container. */
export interface RuntimeContainer {
  readonly id: string;
  readonly name: string;
  exec(command: string[], options?: { env?: Record<string, string>; user?: string }): Promise<ExecOutput>;
  /** The last `tail` lines of stdout+stderr (a snapshot, not a follow). */
  logs(tail?: number): Promise<string[]>;
  copyIn(files: HostFile[]): Promise<void>;
  state(): Promise<ContainerState>;
  /** docker stop: SIGTERM, then SIGKILL after timeoutS; the container is kept. */
  stop(timeoutS: number): Promise<void>;
  /** docker start of a stopped container (same IP, same files). */
  start(): Promise<void>;
  kill(signal: string): Promise<void>;
  pause(): Promise<void>;
  unpause(): Promise<void>;
  disconnect(network: string): Promise<void>;
  connect(network: string, ip: string): Promise<void>;
  /** Kill and remove; never throws when the container is already gone. */
  remove(): Promise<void>;
}

/** A container found by label (possibly created by another process). */
export interface LabelledContainer {
  id: string;
  name: string;
  labels: Record<string, string>;
  status: string;
  ip?: string;
}

/** A network found by label. */
export interface LabelledNetwork {
  id: string;
  name: string;
  labels: Record<string, string>;
  subnet?: string;
  /** No route out of the network (Docker drops forwarding to anything outside its subnet). */
  internal: boolean;
}

/** The operations the lab needs from a container engine. */
export interface ContainerRuntime {
  imageExists(image: string): Promise<boolean>;
  /** Subnets of every existing network (any owner), to choose a free one. */
  usedSubnets(): Promise<string[]>;
  createNetwork(spec: NetworkSpec): Promise<RuntimeNetwork>;
  removeNetwork(idOrName: string): Promise<void>;
  /** Creates the container (files copied in, fixed IP, --init) and starts it; no readiness wait. */
  startContainer(spec: ContainerSpec): Promise<RuntimeContainer>;
  /** A handle on an existing container by id (for tools working on a lab another process started). */
  container(id: string): RuntimeContainer;
  /** Containers carrying label key (and value, when given). */
  listContainers(labelKey: string, labelValue?: string): Promise<LabelledContainer[]>;
  listNetworks(labelKey: string, labelValue?: string): Promise<LabelledNetwork[]>;
}
