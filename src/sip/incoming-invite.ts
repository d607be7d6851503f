// The UAS side of call setup (RFC 3261 13.3): an INVITE offered to the application, answered or rejected.
import { Dialog } from './dialog.js';
import { InviteSession, type InviteSessionEvents } from './invite-session.js';
import type { OutgoingHooks } from './outgoing-invite.js';
import type { MediaAddress, RemoteMedia } from './session-description.js';
import { parseRemoteMedia } from './session-description.js';
import type { IncomingRequest, SipEndpoint } from './sip-endpoint.js';
import { callIdOf, hasSdp } from './sip-message.js';

/** A new INVITE waiting for accept() or reject(). */
export class IncomingInvite {
  /** Our To tag, fixed at the first response (RFC 3261 8.2.6.2). */
  readonly localTag = Math.random().toString(36).slice(2, 12);
  /** The offer in the INVITE, if any (an SDP-less INVITE gets our offer in the 200). */
  readonly remoteMedia: RemoteMedia | undefined;
  private answered = false;
  private cancelHandler: () => void = () => {};

  constructor(
    private readonly endpoint: SipEndpoint,
    readonly incoming: IncomingRequest,
    private readonly hooks: OutgoingHooks,
  ) {
    this.remoteMedia = hasSdp(incoming.request) ? parseRemoteMedia(incoming.request.body) : undefined;
  }

  get callId(): string {
    return callIdOf(this.incoming.request);
  }

  /** Sends 180 Ringing. */
  ringing(): void {
    if (!this.answered)
      this.incoming.respond(180, { toTag: this.localTag, headers: [['Contact', this.hooks.contact]] });
  }

  /**
   * Answers 200 with our SDP and returns the session; the 200 is retransmitted until ACK. After a CANCEL
   * or reject the returned session is already Terminated and nothing is sent.
   */
  accept(localMedia: MediaAddress, events: InviteSessionEvents = {}): InviteSession {
    const late = this.answered; // cancelled or rejected meanwhile: the session exists but is over
    this.answered = true;
    const dialog = Dialog.asUas(this.incoming.request, this.localTag);
    const session = new InviteSession(
      this.endpoint,
      dialog,
      localMedia,
      this.hooks.contact,
      this.hooks.strictCseq,
    );
    session.events = events;
    if (late) {
      session.terminate();
      return session;
    }
    this.hooks.register(session);
    if (this.remoteMedia) session.applyRemoteSdp(this.incoming.request.body);
    else session.expectAnswerInAck();
    session.answer(this.incoming);
    return session;
  }

  /** Rejects with a final status (e.g. 486, 503). */
  reject(status: number, reason?: string): void {
    if (this.answered) return;
    this.answered = true;
    this.incoming.respond(status, { toTag: this.localTag, ...(reason ? { reason } : {}) });
  }

  /** Sets what happens when the caller CANCELs before we answered. */
  onCancel(handler: () => void): void {
    this.cancelHandler = handler;
  }

  /** Called by the user agent when a CANCEL for this INVITE arrived (the endpoint already sent 487). */
  cancelled(): void {
    this.answered = true;
    this.cancelHandler();
  }
}
