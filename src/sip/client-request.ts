// One request sent through a client transaction, seen by its caller as a promise of the final response.
import { InviteClientTransaction } from './invite-client-transaction.js';
import { NonInviteClientTransaction } from './non-invite-client-transaction.js';
import { makeResponse, type SipRequest, type SipResponse } from './sip-message.js';
import type { TransactionContext } from './transaction.js';
import type { Address } from './transport.js';

/** Options for SipEndpoint.request. */
export interface RequestOptions {
  /** Where to send; default: the next hop from Route or Request-URI (RFC 3261 8.1.2). */
  destination?: Address;
  /** Every response, provisional and final, including 2xx retransmissions (the UA re-ACKs them). */
  onResponse?: (res: SipResponse) => void;
}

/** The end of a client transaction: the first final response, or a timeout (treated as 408, RFC 3261 8.1.3.1). */
export interface ClientOutcome {
  response: SipResponse;
  timedOut: boolean;
}

/** A request in flight. */
export class ClientRequest {
  readonly transaction: InviteClientTransaction | NonInviteClientTransaction;
  /** Resolves with the first final response or a local 408 on Timer B/F. Never rejects. */
  readonly final: Promise<ClientOutcome>;
  private settle: (o: ClientOutcome) => void = () => {};
  private settled = false;

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    readonly destination: Address,
    ctx: TransactionContext,
    private readonly opts: RequestOptions,
  ) {
    this.final = new Promise((resolve) => {
      this.settle = resolve;
    });
    const tu = {
      onResponse: (res: SipResponse) => this.onResponse(res),
      onTimeout: () =>
        this.finish({
          response: makeResponse(request, 408, { reason: 'Request Timeout (local)' }),
          timedOut: true,
        }),
    };
    this.transaction =
      request.method === 'INVITE'
        ? new InviteClientTransaction(key, request, destination, ctx, tu)
        : new NonInviteClientTransaction(key, request, destination, ctx, tu);
  }

  start(): void {
    this.transaction.start();
  }

  receiveResponse(res: SipResponse): void {
    this.transaction.receiveResponse(res);
  }

  /** Ends the transaction now; a pending caller gets a local 408. */
  terminate(): void {
    this.transaction.terminate();
    this.finish({
      response: makeResponse(this.request, 408, { reason: 'Transaction Terminated (local)' }),
      timedOut: true,
    });
  }

  private onResponse(res: SipResponse): void {
    this.opts.onResponse?.(res);
    if (res.status >= 200) this.finish({ response: res, timedOut: false });
  }

  private finish(o: ClientOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.settle(o);
  }
}
