// Writes one call's history events: the call's id is the process, timestamps come from the Clock.
import type { Clock } from '../common/clock.js';
import type { EventSink, EventType } from '../common/event.js';
import { type CallSide, EventKind } from '../common/event-kinds.js';
import type { ReinviteInfo } from '../sip/invite-session.js';
import type { SipFinding } from '../sip/sip-finding.js';
import type { Address } from '../sip/transport.js';

const addr = (a: Address): string => `${a.address}:${a.port}`;

/** Turns SIP happenings of one call into EventDrafts with kinds from EventKind. */
export class CallRecorder {
  constructor(
    /** The process of every event: the caller leg's SIP Call-ID. */
    readonly callId: string,
    private readonly clock: Clock,
    private readonly sink: EventSink,
  ) {}

  /** Records one event now. */
  emit(type: EventType, kind: string, value: Record<string, unknown>): number {
    const timeMs = this.clock.nowMs();
    this.sink({ timeMs, process: this.callId, type, kind, value });
    return timeMs;
  }

  reinvite(side: CallSide, info: ReinviteInfo): void {
    this.emit('info', EventKind.callReinvite, {
      side,
      source: addr(info.source),
      contact: info.contact,
      sdp: info.sdp ? { ip: info.sdp.ip, port: info.sdp.port } : undefined,
      cseq: info.cseq,
      findings: info.findings.map((f) => ({ finding: f.finding, detail: f.detail })),
    });
  }

  reinviteAnswered(side: CallSide, ok: boolean, status: number): void {
    this.emit(ok ? 'ok' : 'fail', EventKind.callReinviteAnswered, {
      side,
      status,
      ...(ok ? {} : { reason: 'no ACK' }),
    });
  }

  bye(side: CallSide, by: 'remote' | 'local', source?: Address): void {
    this.emit('info', EventKind.callBye, { side, by, ...(source ? { source: addr(source) } : {}) });
  }

  finding(side: CallSide, f: SipFinding): void {
    this.emit('info', EventKind.sipFinding, {
      side,
      finding: f.finding,
      detail: f.detail,
      ...(f.source ? { source: addr(f.source) } : {}),
    });
  }
}

/**
 * A FindingSink for SIP findings no session reported (endpoint and unknown-dialog ones): recorded under the
 * call the leg belongs to (legs: SIP Call-ID -> call process), else under the message's Call-ID, else 'sip'.
 */
export function sipFindingSink(
  sink: EventSink,
  clock: Clock,
  legs: ReadonlyMap<string, string>,
  side: CallSide,
) {
  return (f: SipFinding): void =>
    sink({
      timeMs: clock.nowMs(),
      process: (f.callId && legs.get(f.callId)) || f.callId || 'sip',
      type: 'info',
      kind: EventKind.sipFinding,
      value: { side, finding: f.finding, detail: f.detail, ...(f.source ? { source: addr(f.source) } : {}) },
    });
}
