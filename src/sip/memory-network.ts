// An in-memory datagram network for tests: transports that lose, delay or reorder on purpose.
import type { Address, DatagramHandler, Transport } from './transport.js';
import { formatAddress } from './transport.js';

/** Decides the fate of one datagram: undefined/false delivers now, true drops, a number delays (ms). */
export type DatagramFate = (data: Buffer, from: Address, to: Address) => boolean | number | undefined;

/** Schedules a delayed delivery; defaults to setTimeout, tests may pass a ManualTimerHost's schedule. */
export type Scheduler = (ms: number, fn: () => void) => void;

/** A set of in-memory transports that deliver to each other by address. */
export class MemoryNetwork {
  private readonly nodes = new Map<string, MemoryTransport>();
  /** Every datagram offered to the network, delivered or not (for assertions). */
  readonly log: Array<{ from: Address; to: Address; data: Buffer; dropped: boolean }> = [];
  fate: DatagramFate = () => undefined;

  constructor(private readonly schedule: Scheduler = (ms, fn) => setTimeout(fn, ms)) {}

  /** Creates a transport bound to address:port on this network. */
  bind(local: Address): MemoryTransport {
    const key = formatAddress(local);
    if (this.nodes.has(key)) throw new Error(`address in use: ${key}`);
    const t = new MemoryTransport(this, local);
    this.nodes.set(key, t);
    return t;
  }

  /** Delivers (or drops/delays) a datagram. */
  deliver(data: Buffer, from: Address, to: Address): void {
    const fate = this.fate(data, from, to);
    this.log.push({ from, to, data, dropped: fate === true });
    if (fate === true) return;
    const copy = Buffer.from(data);
    const go = () => this.nodes.get(formatAddress(to))?.receive(copy, from);
    if (typeof fate === 'number' && fate > 0) this.schedule(fate, go);
    else queueMicrotask(go);
  }

  unbind(local: Address): void {
    this.nodes.delete(formatAddress(local));
  }
}

/** One endpoint of a MemoryNetwork. */
export class MemoryTransport implements Transport {
  readonly protocol = 'UDP';
  private handler: DatagramHandler = () => {};
  private closed = false;

  constructor(
    private readonly net: MemoryNetwork,
    readonly local: Address,
  ) {}

  send(data: Buffer, destination: Address): void {
    if (!this.closed) this.net.deliver(data, this.local, destination);
  }

  onDatagram(handler: DatagramHandler): void {
    this.handler = handler;
  }

  receive(data: Buffer, from: Address): void {
    if (!this.closed) this.handler(data, from);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.net.unbind(this.local);
  }
}
