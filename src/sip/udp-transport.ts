// The UDP transport (RFC 3261 18) on node:dgram: one socket per bound ip:port, clean close.
import dgram from 'node:dgram';
import type { Address, DatagramHandler, Transport } from './transport.js';

/** Options for binding a UDP transport. */
export interface UdpTransportOptions {
  /** Local IP to bind (127.0.0.1 in tests, the bridge gateway in the lab). */
  address: string;
  /** Local port; 0 picks a free one. Default 0. */
  port?: number;
  /** Called on socket send/receive errors (they never throw). */
  onError?: (e: Error) => void;
  /**
   * Socket receive buffer in bytes, default 4 MiB (the kernel caps it at net.core.rmem_max): hundreds of
   * calls set up at once must survive a stalled event loop without the kernel dropping INVITEs.
   */
  recvBufferBytes?: number;
}

/** A bound UDP socket implementing Transport. */
export class UdpTransport implements Transport {
  readonly protocol = 'UDP';
  private handler: DatagramHandler = () => {};
  private closed = false;

  private constructor(
    private readonly socket: dgram.Socket,
    readonly local: Address,
    private readonly onError: (e: Error) => void,
  ) {
    socket.on('message', (data, rinfo) => {
      if (!this.closed) this.handler(data, { address: rinfo.address, port: rinfo.port });
    });
    socket.on('error', (e) => this.onError(e));
  }

  /** Binds a socket and resolves once it listens. */
  static open(opts: UdpTransportOptions): Promise<UdpTransport> {
    const socket = dgram.createSocket({ type: 'udp4', reuseAddr: false });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(opts.port ?? 0, opts.address, () => {
        socket.off('error', reject);
        try {
          socket.setRecvBufferSize(opts.recvBufferBytes ?? 4 * 1024 * 1024);
        } catch {
          // not fatal: the default buffer works, retransmission covers what it drops
        }
        const a = socket.address();
        resolve(new UdpTransport(socket, { address: a.address, port: a.port }, opts.onError ?? (() => {})));
      });
    });
  }

  send(data: Buffer, destination: Address): void {
    if (this.closed) return;
    this.socket.send(data, destination.port, destination.address, (e) => {
      if (e) this.onError(e);
    });
  }

  onDatagram(handler: DatagramHandler): void {
    this.handler = handler;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
