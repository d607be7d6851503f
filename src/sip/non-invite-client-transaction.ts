// The non-INVITE client transaction (RFC 3261 17.1.2): BYE, CANCEL, OPTIONS and friends.
import type { ClientTransactionUser } from './invite-client-transaction.js';
import type { SipRequest, SipResponse } from './sip-message.js';
import { guardTransition, TimerSet, type TransactionContext } from './transaction.js';
import type { Address } from './transport.js';

/** States of the non-INVITE client transaction (RFC 3261 Figure 6). */
export const NonInviteClientState = {
  Trying: 'Trying',
  Proceeding: 'Proceeding',
  Completed: 'Completed',
  Terminated: 'Terminated',
} as const;
export type NonInviteClientState = (typeof NonInviteClientState)[keyof typeof NonInviteClientState];

const S = NonInviteClientState;
const ALLOWED: Record<NonInviteClientState, readonly NonInviteClientState[]> = {
  Trying: [S.Proceeding, S.Completed, S.Terminated],
  Proceeding: [S.Completed, S.Terminated],
  Completed: [S.Terminated],
  Terminated: [],
};

/** Sends a request, retransmits it (Timer E, capped at T2), times out (Timer F), lingers (Timer K). */
export class NonInviteClientTransaction {
  state: NonInviteClientState = S.Trying;
  private readonly timers: TimerSet;

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    readonly destination: Address,
    private readonly ctx: TransactionContext,
    private readonly tu: ClientTransactionUser,
  ) {
    this.timers = new TimerSet(ctx.timerHost);
  }

  /** Sends the request and starts Timers E and F (17.1.2.2). */
  start(): void {
    this.ctx.send(this.request, this.destination);
    this.retransmitAfter(this.ctx.timers.E);
    this.timers.start('F', this.ctx.timers.F, () => {
      this.transition(S.Terminated);
      this.tu.onTimeout();
    });
  }

  private retransmitAfter(ms: number): void {
    this.timers.start('E', ms, () => {
      if (this.state !== S.Trying && this.state !== S.Proceeding) return;
      this.ctx.send(this.request, this.destination);
      // in Proceeding the interval is T2; in Trying it doubles up to T2
      const next = this.state === S.Proceeding ? this.ctx.timers.T2 : Math.min(2 * ms, this.ctx.timers.T2);
      this.retransmitAfter(next);
    });
  }

  /** Feeds a response matched to this transaction. */
  receiveResponse(res: SipResponse): void {
    if (this.state !== S.Trying && this.state !== S.Proceeding) return; // Completed absorbs retransmissions
    if (res.status < 200) {
      if (this.state === S.Trying) this.transition(S.Proceeding);
    } else {
      this.transition(S.Completed);
    }
    this.tu.onResponse(res);
  }

  terminate(): void {
    if (this.state !== S.Terminated) this.transition(S.Terminated);
  }

  /** The one guarded state change (RFC 3261 17.1.2.2 Figure 6). */
  private transition(to: NonInviteClientState): void {
    guardTransition('non-INVITE client transaction', ALLOWED, this.state, to);
    this.state = to;
    if (to === S.Completed) {
      this.timers.stopAll();
      this.timers.start('K', this.ctx.timers.K, () => this.transition(S.Terminated));
    } else if (to === S.Terminated) {
      this.timers.stopAll();
      this.ctx.onTerminated(this.key);
    }
  }
}
