// The INVITE client transaction (RFC 3261 17.1.1, with RFC 6026's Accepted state).
import { SipHeaders } from './sip-headers.js';
import { cseqOf, type SipRequest, type SipResponse } from './sip-message.js';
import { guardTransition, TimerSet, type TransactionContext } from './transaction.js';
import type { Address } from './transport.js';

/** States of the INVITE client transaction (RFC 3261 Figure 5, RFC 6026 Figure 3). */
export const InviteClientState = {
  Calling: 'Calling',
  Proceeding: 'Proceeding',
  Accepted: 'Accepted',
  Completed: 'Completed',
  Terminated: 'Terminated',
} as const;
export type InviteClientState = (typeof InviteClientState)[keyof typeof InviteClientState];

const S = InviteClientState;
const ALLOWED: Record<InviteClientState, readonly InviteClientState[]> = {
  Calling: [S.Proceeding, S.Accepted, S.Completed, S.Terminated],
  Proceeding: [S.Accepted, S.Completed, S.Terminated],
  Accepted: [S.Terminated],
  Completed: [S.Terminated],
  Terminated: [],
};

/** What the transaction user hears from a client transaction. */
export interface ClientTransactionUser {
  /** Every response passed up (2xx retransmissions too while Accepted). */
  onResponse(res: SipResponse): void;
  /** Timer B/F fired, or the transport failed: treat as 408 (RFC 3261 8.1.3.1). */
  onTimeout(): void;
}

/** Sends an INVITE, retransmits it over UDP (Timer A), times out (Timer B), ACKs non-2xx finals. */
export class InviteClientTransaction {
  state: InviteClientState = S.Calling;
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

  /** Sends the request and starts Timers A and B (17.1.1.2). */
  start(): void {
    this.ctx.send(this.request, this.destination);
    this.retransmitAfter(this.ctx.timers.A);
    this.timers.start('B', this.ctx.timers.B, () => {
      if (this.state !== S.Calling) return;
      this.transition(S.Terminated);
      this.tu.onTimeout();
    });
  }

  private retransmitAfter(ms: number): void {
    this.timers.start('A', ms, () => {
      if (this.state !== S.Calling) return;
      this.ctx.send(this.request, this.destination);
      this.retransmitAfter(ms * 2);
    });
  }

  /** Feeds a response matched to this transaction (17.1.3). */
  receiveResponse(res: SipResponse): void {
    const { status } = res;
    if (this.state === S.Calling || this.state === S.Proceeding) {
      if (status < 200) {
        if (this.state === S.Calling) this.transition(S.Proceeding);
      } else if (status < 300) {
        this.transition(S.Accepted);
      } else {
        this.transition(S.Completed);
        this.sendAck(res);
      }
      this.tu.onResponse(res);
    } else if (this.state === S.Accepted && status >= 200 && status < 300) {
      this.tu.onResponse(res); // the TU re-ACKs 2xx retransmissions (RFC 6026 8.4)
    } else if (this.state === S.Completed && status >= 300) {
      this.sendAck(res);
    }
  }

  /** The ACK for a non-2xx final response is part of the transaction (17.1.1.3). */
  private sendAck(res: SipResponse): void {
    const h = new SipHeaders();
    const via = this.request.headers.get('Via');
    if (via) h.append('Via', via);
    for (const r of this.request.headers.getAll('Route')) h.append('Route', r);
    h.append('Max-Forwards', '70');
    h.append('From', this.request.headers.get('From') ?? '');
    h.append('To', res.headers.get('To') ?? '');
    h.append('Call-ID', this.request.headers.get('Call-ID') ?? '');
    h.append('CSeq', `${cseqOf(this.request)?.seq ?? 1} ACK`);
    this.ctx.send(
      { kind: 'request', method: 'ACK', uri: this.request.uri, headers: h, body: '' },
      this.destination,
    );
  }

  /** Ends the transaction at once (endpoint shutdown). */
  terminate(): void {
    if (this.state !== S.Terminated) this.transition(S.Terminated);
  }

  /** The one guarded state change (RFC 3261 17.1.1.2 Figure 5; RFC 6026 7.2). */
  private transition(to: InviteClientState): void {
    guardTransition('INVITE client transaction', ALLOWED, this.state, to);
    this.state = to;
    if (to === S.Proceeding) {
      this.timers.stop('A');
      this.timers.stop('B');
    } else if (to === S.Accepted) {
      this.timers.stopAll();
      this.timers.start('M', this.ctx.timers.M, () => this.transition(S.Terminated));
    } else if (to === S.Completed) {
      this.timers.stopAll();
      this.timers.start('D', this.ctx.timers.D, () => this.transition(S.Terminated));
    } else if (to === S.Terminated) {
      this.timers.stopAll();
      this.ctx.onTerminated(this.key);
    }
  }
}
