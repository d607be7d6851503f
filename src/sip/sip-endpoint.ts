import { ClientRequest, type RequestOptions } from './client-request.js';
import { type IncomingRequest, incomingRequest, type ServerTransaction } from './incoming-request.js';
import { InviteServerTransaction } from './invite-server-transaction.js';
import { NonInviteServerTransaction } from './non-invite-server-transaction.js';
import { inspectRequest } from './request-inspection.js';
import { type FindingSink, type SipFinding, SipFindingKind } from './sip-finding.js';
import {
  callIdOf,
  describe,
  makeResponse,
  type SipMessage,
  type SipRequest,
  type SipResponse,
  topViaOf,
} from './sip-message.js';
import { parseSipMessage } from './sip-parser.js';
import { serializeSipMessage } from './sip-serializer.js';
import { realTimerHost, type SipTimerBase, type SipTimers, sipTimers, type TimerHost } from './sip-timers.js';
import type { TransactionContext } from './transaction.js';
import { BranchMemory, clientKey, nextHop, sameIdentity } from './transaction-key.js';
import { type Address, formatAddress, type Transport } from './transport.js';
import { UdpTransport } from './udp-transport.js';
import { formatVia, newBranch, responseDestination } from './via.js';

/** Re-exported: the TU's view of a request, part of this layer's public API. */
export type { IncomingRequest } from './incoming-request.js';

/** Options of a SipEndpoint. */
export interface SipEndpointOptions {
  transport: Transport;
  /** T1/T2/T4 in ms; defaults 500/4000/5000. */
  timers?: Partial<SipTimerBase>;
  timerHost?: TimerHost;
  onFinding?: FindingSink;
  /** One line per notable event (malformed datagrams, unmatched responses). */
  log?: (line: string) => void;
}

/** Counters for what crossed the transport. */
export interface EndpointCounters {
  received: number;
  sent: number;
  malformed: number;
  strayResponses: number;
}

/**
 * The SIP transaction layer over one transport. It is public on purpose: an emulator can send any
 * request (its own Via, reused branch, CSeq, Route, Request-URI) and act as a server for INVITEs.
 */
export class SipEndpoint {
  readonly timers: SipTimers;
  readonly counters: EndpointCounters = { received: 0, sent: 0, malformed: 0, strayResponses: 0 };
  private readonly clients = new Map<string, ClientRequest>();
  private readonly servers = new Map<string, ServerTransaction>();
  private readonly branches = new BranchMemory();
  private requestHandler: (inc: IncomingRequest) => void = (inc) => {
    if (inc.request.method !== 'ACK') inc.respond(501, { reason: 'Not Implemented' });
  };
  private strayHandler: (res: SipResponse, source: Address) => void = () => {};
  private readonly ctx: TransactionContext;
  private readonly onFinding: FindingSink;
  private readonly log: (line: string) => void;

  constructor(readonly options: SipEndpointOptions) {
    this.timers = sipTimers(options.timers);
    this.onFinding = options.onFinding ?? (() => {});
    this.log = options.log ?? (() => {});
    this.ctx = {
      timers: this.timers,
      timerHost: options.timerHost ?? realTimerHost,
      send: (msg, dest) => this.sendRaw(msg, dest),
      sendResponse: (res) => this.sendResponse(res),
      onTerminated: (key) => {
        this.servers.delete(key);
        this.clients.delete(key);
      },
    };
    options.transport.onDatagram((data, source) => this.receive(data, source));
  }

  /** Binds a UDP endpoint on address:port (port 0 = any free port). */
  static async listen(
    opts: Omit<SipEndpointOptions, 'transport'> & { address: string; port?: number },
  ): Promise<SipEndpoint> {
    const transport = await UdpTransport.open({
      address: opts.address,
      port: opts.port ?? 0,
      onError: (e) => opts.log?.(`udp error: ${e.message}`),
    });
    return new SipEndpoint({ ...opts, transport });
  }

  /** The timer host transactions run on (shared with the UA core's 2xx retransmission). */
  get timerHost(): TimerHost {
    return this.ctx.timerHost;
  }

  get local(): Address {
    return this.options.transport.local;
  }

  /** Sets the handler for incoming requests (the transaction user). */
  onRequest(handler: (inc: IncomingRequest) => void): void {
    this.requestHandler = handler;
  }

  /** Sets the handler for responses that match no client transaction (late 2xx retransmissions). */
  onStrayResponse(handler: (res: SipResponse, source: Address) => void): void {
    this.strayHandler = handler;
  }

  /** A Via value for this endpoint with a new branch (RFC 3261 8.1.1.7) and rport (RFC 3581). */
  newVia(branch = newBranch()): string {
    const { address, port } = this.local;
    return formatVia({
      protocol: 'SIP/2.0',
      transport: 'UDP',
      host: address,
      port,
      params: new Map([
        ['branch', branch],
        ['rport', ''],
      ]),
    });
  }

  /**
   * Sends a request in a new client transaction. The request is sent as given: a Via is added only
   * when it has none, Max-Forwards only when absent. Destination: opts.destination, else the next hop.
   */
  request(req: SipRequest, opts: RequestOptions = {}): ClientRequest {
    if (!req.headers.has('Via')) req.headers.prepend('Via', this.newVia());
    if (!req.headers.has('Max-Forwards')) req.headers.append('Max-Forwards', '70');
    const key = clientKey(req);
    this.clients.get(key)?.terminate();
    const cr = new ClientRequest(key, req, opts.destination ?? nextHop(req), this.ctx, opts);
    this.clients.set(key, cr);
    cr.start();
    return cr;
  }

  /** Sends a message outside any transaction (ACK for 2xx, 2xx retransmissions). */
  sendRaw(msg: SipMessage, destination: Address): void {
    this.counters.sent++;
    this.options.transport.send(serializeSipMessage(msg), destination);
  }

  /** Sends a response to where its top Via says (RFC 3261 18.2.2, RFC 3581). */
  sendResponse(res: SipResponse): void {
    const via = topViaOf(res);
    if (!via) {
      this.log(`response without Via not sent: ${describe(res)}`);
      return;
    }
    this.sendRaw(res, responseDestination(via));
  }

  /** Stops every transaction and closes the transport. */
  async close(): Promise<void> {
    for (const c of [...this.clients.values()]) c.terminate();
    for (const s of [...this.servers.values()]) s.terminate();
    await this.options.transport.close();
  }

  private finding(f: SipFinding): void {
    this.log(`finding ${f.finding}: ${f.detail}`);
    this.onFinding(f);
  }

  private receive(data: Buffer, source: Address): void {
    this.counters.received++;
    const parsed = parseSipMessage(data);
    if (!parsed.ok) {
      this.counters.malformed++;
      this.finding({ finding: SipFindingKind.malformedDatagram, detail: parsed.error, source });
      return;
    }
    try {
      if (parsed.message.kind === 'response') this.receiveResponse(parsed.message, source);
      else this.receiveRequest(parsed.message, source);
    } catch (e) {
      // a handler bug must not take the endpoint down with one datagram
      this.log(`error handling ${describe(parsed.message)} from ${formatAddress(source)}: ${String(e)}`);
    }
  }

  private receiveResponse(res: SipResponse, source: Address): void {
    const key = clientKey(res);
    const cr = this.clients.get(key);
    if (cr) {
      cr.receiveResponse(res);
      return;
    }
    this.counters.strayResponses++;
    this.strayHandler(res, source);
  }

  private receiveRequest(req: SipRequest, source: Address): void {
    const inspected = inspectRequest(req, source);
    if (!inspected.ok) {
      this.counters.malformed++;
      this.finding({ finding: SipFindingKind.malformedDatagram, detail: inspected.error, source });
      return;
    }
    for (const f of inspected.findings) this.finding(f);
    const { key, identity } = inspected;
    const existing = this.servers.get(key);
    if (existing && req.method === 'ACK') {
      // RFC 6026 7.1: an ACK in Accepted (a 2xx ACK sharing the INVITE's branch) goes to the TU
      if (existing.state !== 'Accepted') {
        existing.receiveRequest(req);
        return;
      }
      this.requestHandler(incomingRequest(req, source, undefined));
      return;
    }
    if (existing && sameIdentity(existing.request, identity)) {
      existing.receiveRequest(req);
      return;
    }
    this.noteBranch(key, identity, req, source);
    if (req.method === 'ACK') {
      this.requestHandler(incomingRequest(req, source, undefined));
      return;
    }
    if (existing) existing.terminate();
    if (req.method === 'CANCEL') {
      this.receiveCancel(req, source, key);
      return;
    }
    const tx =
      req.method === 'INVITE'
        ? new InviteServerTransaction(key, req, this.ctx)
        : new NonInviteServerTransaction(key, req, this.ctx);
    this.servers.set(key, tx);
    this.requestHandler(incomingRequest(req, source, tx));
  }

  /** RFC 3261 9.2: CANCEL answers 200 and the INVITE 487 while it is still pending. */
  private receiveCancel(req: SipRequest, source: Address, key: string): void {
    const tx = new NonInviteServerTransaction(key, req, this.ctx);
    this.servers.set(key, tx);
    const invite = this.servers.get(key.replace(/\|CANCEL$/, '|INVITE'));
    if (!(invite instanceof InviteServerTransaction)) {
      tx.respond(makeResponse(req, 481));
      return;
    }
    tx.respond(makeResponse(req, 200));
    if (invite.state === 'Proceeding') {
      invite.respond(makeResponse(invite.request, 487, { toTag: newBranch().slice(7) }));
      this.requestHandler(incomingRequest(req, source, undefined));
    }
  }

  private noteBranch(key: string, identity: string, req: SipRequest, source: Address): void {
    const previous = this.branches.note(key, identity);
    if (previous !== undefined && req.method !== 'ACK') {
      this.finding({
        finding: SipFindingKind.reusedBranch,
        detail: `${req.method} ${identity} reuses branch of ${previous}`,
        callId: callIdOf(req),
        source,
      });
    }
  }
}
