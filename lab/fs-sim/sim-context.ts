// What every part of a running fs-sim shares: config, identity, SIP endpoint, channels, row writer.
import type { SipEndpoint } from '../../src/sip/sip-endpoint.js';
import { renderCdr } from './cdr-xml.js';
import type { Channel } from './channel.js';
import type { FsSimConfig } from './config.js';
import type { EslEvent } from './esl/esl-wire.js';
import type { NodeIdentity } from './leg-facts.js';
import type { RecoveryStore } from './recovery-store.js';
import type { SqlQueue } from './sql-queue.js';

/** Live channels by uuid and by Call-ID. */
export class ChannelRegistry {
  private readonly byUuid = new Map<string, Channel>();
  private readonly byCallId = new Map<string, Channel>();

  add(c: Channel): void {
    this.byUuid.set(c.uuid, c);
    this.byCallId.set(c.dialog.callId, c);
  }

  remove(c: Channel): void {
    if (this.byUuid.get(c.uuid) === c) this.byUuid.delete(c.uuid);
    if (this.byCallId.get(c.dialog.callId) === c) this.byCallId.delete(c.dialog.callId);
  }

  get(uuid: string): Channel | undefined {
    return this.byUuid.get(uuid);
  }

  byCall(callId: string): Channel | undefined {
    return this.byCallId.get(callId);
  }

  all(): Channel[] {
    return [...this.byUuid.values()];
  }

  /** RTP ports in use in this process. */
  takenPorts(): Set<number> {
    return new Set(this.all().flatMap((c) => (c.rtp ? [c.rtp.port] : [])));
  }
}

/** Writes recovery rows through the delayed queue, as FreeSWITCH's channel tracking does. */
export class RowWriter {
  constructor(
    private readonly store: RecoveryStore,
    private readonly queue: SqlQueue,
    private readonly node: NodeIdentity,
    private readonly timing: FsSimConfig['timing'],
  ) {}

  private metadata(c: Channel): string {
    return renderCdr({ ...c.doc, coreUuid: this.node.coreUuid, switchname: this.node.switchname });
  }

  /** Queues the INSERT of an answered leg (~0.3 s later). */
  track(c: Channel): void {
    if (c.tracked) return;
    c.tracked = true;
    this.queue.push(this.timing.insertDelayMs, () =>
      this.store.insert({
        runtime_uuid: this.node.coreUuid,
        technology: 'sofia',
        profile_name: this.node.profile,
        hostname: this.node.switchname,
        uuid: c.uuid,
        metadata: this.metadata(c),
      }),
    );
  }

  /** Queues an UPDATE of a tracked leg's metadata. */
  update(c: Channel): void {
    if (!c.tracked) return;
    const metadata = this.metadata(c);
    this.queue.push(0, () => this.store.update(c.uuid, this.node.coreUuid, metadata));
  }

  /** Queues the DELETE of a hung-up leg (~0.1 s later). */
  untrack(c: Channel): void {
    if (!c.tracked) return;
    c.tracked = false;
    this.queue.push(this.timing.deleteDelayMs, () => this.store.delete(c.uuid, this.node.coreUuid));
  }
}

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
