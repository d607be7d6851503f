// A request as the transaction user sees it: the message, where it came from, and a way to answer it.
import type { InviteServerTransaction } from './invite-server-transaction.js';
import type { NonInviteServerTransaction } from './non-invite-server-transaction.js';
import { makeResponse, type SipRequest, type SipResponse } from './sip-message.js';
import type { Address } from './transport.js';

export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;

/** A request handed to the transaction user, with its server transaction (none for a 2xx ACK). */
export interface IncomingRequest {
  /** The request, top Via stamped with received/rport (RFC 3261 18.2.1). */
  readonly request: SipRequest;
  readonly source: Address;
  readonly transaction: ServerTransaction | undefined;
  /** Builds a response (RFC 3261 8.2.6) and sends it through the transaction; returns it. */
  respond(status: number, opts?: Parameters<typeof makeResponse>[2]): SipResponse;
}

/** Wraps a received request with its server transaction (undefined for an ACK to a 2xx or a CANCEL notice). */
export function incomingRequest(
  request: SipRequest,
  source: Address,
  transaction: ServerTransaction | undefined,
): IncomingRequest {
  return {
    request,
    source,
    transaction,
    respond: (status, opts) => {
      const res = makeResponse(request, status, opts);
      if (transaction) transaction.respond(res);
      return res;
    },
  };
}
