// The non-INVITE server transaction (RFC 3261 17.2.2).
import type { SipRequest, SipResponse } from './sip-message.js';
import { guardTransition, TimerSet, type TransactionContext } from './transaction.js';

/** States of the non-INVITE server transaction (RFC 3261 Figure 8). */
export const NonInviteServerState = {
  Trying: 'Trying',
  Proceeding: 'Proceeding',
  Completed: 'Completed',
  Terminated: 'Terminated',
} as const;
export type NonInviteServerState = (typeof NonInviteServerState)[keyof typeof NonInviteServerState];

const S = NonInviteServerState;
const ALLOWED: Record<NonInviteServerState, readonly NonInviteServerState[]> = {
  Trying: [S.Proceeding, S.Completed, S.Terminated],
  Proceeding: [S.Completed, S.Terminated],
  Completed: [S.Terminated],
  Terminated: [],
};

/** Receives a non-INVITE request, sends the TU's responses, answers retransmissions (Timer J). */
export class NonInviteServerTransaction {
  state: NonInviteServerState = S.Trying;
  private lastResponse: SipResponse | undefined;
  private readonly timers: TimerSet;

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    private readonly ctx: TransactionContext,
  ) {
    this.timers = new TimerSet(ctx.timerHost);
  }

  /** Sends a response from the TU; only the first final one counts. */
  respond(res: SipResponse): void {
    if (this.state === S.Completed || this.state === S.Terminated) return;
    this.lastResponse = res;
    this.ctx.sendResponse(res);
    if (res.status >= 200) this.transition(S.Completed);
    else if (this.state === S.Trying) this.transition(S.Proceeding);
  }

  /** A retransmission of the request: resend the last response, if any (17.2.2). */
  receiveRequest(_req: SipRequest): void {
    if (this.lastResponse && (this.state === S.Proceeding || this.state === S.Completed)) {
      this.ctx.sendResponse(this.lastResponse);
    }
  }

  terminate(): void {
    if (this.state !== S.Terminated) this.transition(S.Terminated);
  }

  /** The one guarded state change (RFC 3261 17.2.2 Figure 8). */
  private transition(to: NonInviteServerState): void {
    guardTransition('non-INVITE server transaction', ALLOWED, this.state, to);
    this.state = to;
    if (to === S.Completed) {
      this.timers.start('J', this.ctx.timers.J, () => this.transition(S.Terminated));
    } else if (to === S.Terminated) {
      this.timers.stopAll();
      this.ctx.onTerminated(this.key);
    }
  }
}
