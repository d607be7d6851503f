// The INVITE server transaction (RFC 3261 17.2.1, with RFC 6026's Accepted state).
import { makeResponse, type SipRequest, type SipResponse } from './sip-message.js';
import { guardTransition, TimerSet, type TransactionContext } from './transaction.js';

/** States of the INVITE server transaction (RFC 3261 Figure 7, RFC 6026 Figure 5). */
export const InviteServerState = {
  Proceeding: 'Proceeding',
  Accepted: 'Accepted',
  Completed: 'Completed',
  Confirmed: 'Confirmed',
  Terminated: 'Terminated',
} as const;
export type InviteServerState = (typeof InviteServerState)[keyof typeof InviteServerState];

const S = InviteServerState;
const ALLOWED: Record<InviteServerState, readonly InviteServerState[]> = {
  Proceeding: [S.Accepted, S.Completed, S.Terminated],
  Accepted: [S.Terminated],
  Completed: [S.Confirmed, S.Terminated],
  Confirmed: [S.Terminated],
  Terminated: [],
};

/** Delay before the transaction answers 100 Trying on its own (RFC 3261 17.2.1: 200 ms). */
const AUTO_TRYING_MS = 200;

/** Receives an INVITE, sends the TU's responses, retransmits non-2xx finals (Timer G) until ACK (Timer H). */
export class InviteServerTransaction {
  state: InviteServerState = S.Proceeding;
  /** Set when Timer H fired: the peer never ACKed our final response. */
  ackTimedOut = false;
  private lastResponse: SipResponse | undefined;
  private readonly timers: TimerSet;

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    private readonly ctx: TransactionContext,
  ) {
    this.timers = new TimerSet(ctx.timerHost);
    this.timers.start('Trying', AUTO_TRYING_MS, () => {
      if (this.state === S.Proceeding && !this.lastResponse) this.respond(makeResponse(request, 100));
    });
  }

  /** Sends a response from the TU. A 2xx moves to Accepted; the TU retransmits it (RFC 3261 13.3.1.4). */
  respond(res: SipResponse): void {
    if (this.state === S.Accepted && res.status >= 200 && res.status < 300) {
      this.ctx.sendResponse(res); // the TU's 2xx retransmissions pass through (RFC 6026 8.5)
      return;
    }
    if (this.state !== S.Proceeding) return;
    this.lastResponse = res;
    this.ctx.sendResponse(res);
    if (res.status >= 200 && res.status < 300) this.transition(S.Accepted);
    else if (res.status >= 300) this.transition(S.Completed);
  }

  /** A retransmitted INVITE or the ACK matched to this transaction (17.2.3). */
  receiveRequest(req: SipRequest): void {
    if (req.method === 'ACK') {
      if (this.state === S.Completed) this.transition(S.Confirmed);
      return;
    }
    // retransmitted INVITE: resend the last provisional or final (not 2xx: Accepted absorbs it)
    if ((this.state === S.Proceeding || this.state === S.Completed) && this.lastResponse) {
      this.ctx.sendResponse(this.lastResponse);
    }
  }

  terminate(): void {
    if (this.state !== S.Terminated) this.transition(S.Terminated);
  }

  private retransmitAfter(ms: number): void {
    this.timers.start('G', ms, () => {
      if (this.state !== S.Completed || !this.lastResponse) return;
      this.ctx.sendResponse(this.lastResponse);
      this.retransmitAfter(Math.min(2 * ms, this.ctx.timers.T2));
    });
  }

  /** The one guarded state change (RFC 3261 17.2.1 Figure 7; RFC 6026 7.1). */
  private transition(to: InviteServerState): void {
    guardTransition('INVITE server transaction', ALLOWED, this.state, to);
    this.state = to;
    if (to === S.Accepted) {
      this.timers.stopAll();
      this.timers.start('L', this.ctx.timers.L, () => this.transition(S.Terminated));
    } else if (to === S.Completed) {
      this.timers.stopAll();
      this.retransmitAfter(this.ctx.timers.G);
      this.timers.start('H', this.ctx.timers.H, () => {
        this.ackTimedOut = true;
        this.transition(S.Terminated);
      });
    } else if (to === S.Confirmed) {
      this.timers.stopAll();
      this.timers.start('I', this.ctx.timers.I, () => this.transition(S.Terminated));
    } else if (to === S.Terminated) {
      this.timers.stopAll();
      this.ctx.onTerminated(this.key);
    }
  }
}
