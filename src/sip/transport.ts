// The transport seam: the transaction layer sends and receives datagrams through this interface only.

/** An IP address and port (IPv4 dotted quad in the lab). */
export interface Address {
  address: string;
  port: number;
}

/** Called for every datagram received. */
export type DatagramHandler = (data: Buffer, source: Address) => void;

/**
 * An unreliable datagram transport (RFC 3261 18). UDP in production; tests plug an in-memory
 * network that drops or reorders.
 */
export interface Transport {
  /** The bound local address. */
  readonly local: Address;
  /** Transport name for Via (always 'UDP' here). */
  readonly protocol: 'UDP';
  /** Sends one datagram; errors are reported to the error handler, never thrown. */
  send(data: Buffer, destination: Address): void;
  /** Sets the receive handler (one per transport). */
  onDatagram(handler: DatagramHandler): void;
  /** Releases the socket; no handler runs after it resolves. */
  close(): Promise<void>;
}

/** `ip:port` for logs and map keys. */
export const formatAddress = (a: Address): string => `${a.address}:${a.port}`;
