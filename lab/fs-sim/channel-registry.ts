// The live channels of one fs-sim node, found by uuid (recover, ESL) or by Call-ID (SIP).
import type { Channel } from './channel.js';

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
