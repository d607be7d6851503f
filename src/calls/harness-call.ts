// One harness call: the caller leg we place and, when bridged, the callee leg we answer, each with its RTP stream.
import { type CallSide, EventKind } from '../common/event-kinds.js';
import type { MediaStream } from '../media/media-engine.js';
import type { IncomingInvite } from '../sip/incoming-invite.js';
import type { InviteSession, InviteSessionEvents } from '../sip/invite-session.js';
import type { InviteOutcome } from '../sip/outgoing-invite.js';
import { parseSipUri } from '../sip/sip-uri.js';
import type { CallRecorder } from './call-recorder.js';

/** Lifecycle of a harness call. */
export const CallState = {
  Inviting: 'Inviting',
  Answered: 'Answered',
  Failed: 'Failed',
  Ended: 'Ended',
} as const;
export type CallState = (typeof CallState)[keyof typeof CallState];

/** One leg as the harness holds it. */
export interface CallLeg {
  session: InviteSession;
  stream: MediaStream;
}

/**
 * How a call's legs end up talking: echo (FreeSWITCH returns our audio), bridge (to our callee), or conference
 * (a member of a room: it hears the other members, its own leg is the only one).
 */
export type CallMode = 'echo' | 'bridge' | 'conference';

/** A call of the generator: both ends live in the harness. */
export class HarnessCall {
  state: CallState = CallState.Inviting;
  caller: CallLeg | undefined;
  callee: (CallLeg & { sipCallId: string }) | undefined;
  answeredMs: number | undefined;

  constructor(
    readonly callKey: number,
    readonly mode: CallMode,
    readonly recorder: CallRecorder,
    readonly callerStream: MediaStream,
    /** Conference calls: the room's Request-URI user (members of one room hear each other). */
    readonly room?: string,
  ) {}

  /** The caller leg's SIP Call-ID, which is also the history process of the call. */
  get callId(): string {
    return this.recorder.callId;
  }

  /** Session callbacks for one side: media follows SDP, everything else becomes history. */
  sessionEvents(side: CallSide, stream: MediaStream): InviteSessionEvents {
    let started = false;
    return {
      onRemoteMedia: (m) => {
        if (!m.active) return;
        stream.setRemote(m.ip, m.port);
        if (!started) {
          started = true;
          stream.start();
        }
      },
      onReinvite: (info) => this.recorder.reinvite(side, info),
      onReinviteAnswered: (ok, status) => this.recorder.reinviteAnswered(side, ok, status),
      onBye: (source) => {
        this.recorder.bye(side, 'remote', source);
        stream.stop();
        if (side === 'caller') this.state = CallState.Ended;
      },
      onFinding: (f) => this.recorder.finding(side, f),
    };
  }

  /** Records the outcome of the caller's INVITE sent at invitedMs (Clock ms). */
  settle(outcome: InviteOutcome, invitedMs: number, nowMs: number): void {
    if (outcome.ok && outcome.session) {
      this.caller = { session: outcome.session, stream: this.callerStream };
      this.state = CallState.Answered;
      const contact = parseSipUri(outcome.session.dialog.remoteTarget);
      this.answeredMs = nowMs;
      this.recorder.emit('ok', EventKind.callAnswered, {
        callId: this.callId,
        answerMs: nowMs - invitedMs,
        ...(contact ? { node: contact.host } : {}),
        legCallIds: [...new Set([this.callId, ...(this.callee ? [this.callee.sipCallId] : [])])],
      });
      return;
    }
    this.state = CallState.Failed;
    this.callerStream.stop();
    this.callee?.stream.stop();
    this.recorder.emit('fail', EventKind.callFailed, {
      status: outcome.status,
      reason: outcome.reason,
      timedOut: outcome.timedOut,
      afterMs: nowMs - invitedMs,
    });
  }

  /** Answers the callee leg FreeSWITCH sent us for this call. */
  acceptCallee(inv: IncomingInvite, stream: MediaStream): void {
    this.recorder.emit('info', EventKind.callInvite, {
      side: 'callee',
      callId: inv.callId,
      source: `${inv.incoming.source.address}:${inv.incoming.source.port}`,
    });
    const session = inv.accept(
      { ip: stream.localIp, port: stream.localPort },
      this.sessionEvents('callee', stream),
    );
    if (session.state === 'Terminated') {
      stream.stop(); // CANCELled while the stream opened
      return;
    }
    this.callee = { session, stream, sipCallId: inv.callId };
  }

  /** Stops both streams, then hangs up from the caller side (BYE). */
  async hangup(): Promise<void> {
    // streams stop first: their final media.stats then describe the call up to the hangup, and no RTP
    // goes on for 32 s toward a node that may never answer the BYE
    this.callerStream.stop();
    this.callee?.stream.stop();
    if (this.state !== CallState.Answered || !this.caller) return;
    this.state = CallState.Ended;
    this.recorder.emit('invoke', EventKind.callHangup, { side: 'caller' });
    const { response, timedOut } = await this.caller.session.bye();
    this.recorder.bye('caller', 'local');
    const ok = response.status >= 200 && response.status < 300;
    this.recorder.emit(ok ? 'ok' : 'fail', EventKind.callHangup, {
      side: 'caller',
      status: response.status,
      timedOut,
    });
  }
}
