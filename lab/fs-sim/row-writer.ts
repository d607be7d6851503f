// FreeSWITCH's channel tracking: one recovery row per answered leg, written through the delayed SQL queue.
import { renderCdr } from './cdr-xml.js';
import type { Channel } from './channel.js';
import type { FsSimConfig } from './config.js';
import type { NodeIdentity } from './leg-facts.js';
import type { RecoveryStore } from './recovery-store.js';
import type { SqlQueue } from './sql-queue.js';

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
    this.queue.push(
      this.timing.insertDelayMs,
      () =>
        this.store.insert({
          runtime_uuid: this.node.coreUuid,
          technology: 'sofia',
          profile_name: this.node.profile,
          hostname: this.node.switchname,
          uuid: c.uuid,
          metadata: this.metadata(c),
        }),
      c.uuid,
    );
  }

  /** Queues an UPDATE of a tracked leg's metadata. */
  update(c: Channel): void {
    if (!c.tracked) return;
    const metadata = this.metadata(c);
    this.queue.push(0, () => this.store.update(c.uuid, this.node.coreUuid, metadata), c.uuid);
  }

  /** Queues the DELETE of a hung-up leg (~0.1 s later). */
  untrack(c: Channel): void {
    if (!c.tracked) return;
    c.tracked = false;
    this.queue.push(this.timing.deleteDelayMs, () => this.store.delete(c.uuid, this.node.coreUuid), c.uuid);
  }
}
