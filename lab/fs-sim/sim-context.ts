// What every part of a running fs-sim shares: config, identity, SIP endpoint, channels, row writer.
import type { SipEndpoint } from '../../src/sip/sip-endpoint.js';
import type { ChannelRegistry } from './channel-registry.js';
import type { FsSimConfig } from './config.js';
import type { EslEvent } from './esl/esl-wire.js';
import type { NodeIdentity } from './leg-facts.js';
import type { RecoveryStore } from './recovery-store.js';
import type { RowWriter } from './row-writer.js';
import type { SqlQueue } from './sql-queue.js';

/** The running node's shared state. */
export interface SimContext {
  config: FsSimConfig;
  node: NodeIdentity;
  /** Host primary IP for recovery SDP o=. */
  hostIp: string;
  endpoint: SipEndpoint;
  channels: ChannelRegistry;
  rows: RowWriter;
  store: RecoveryStore;
  queue: SqlQueue;
  standby: boolean;
  sessionCount: number;
  startedMs: number;
  log(line: string): void;
  publish(event: EslEvent): void;
}
