// The UAC side of call setup (RFC 3261 13.2): INVITE with SDP, ACK every 2xx, CANCEL when it takes too long.
import { Dialog } from './dialog.js';
import { InviteSession, type InviteSessionEvents } from './invite-session.js';
import type { MediaAddress } from './session-description.js';
import type { SipEndpoint } from './sip-endpoint.js';
import { SipFindingKind } from './sip-finding.js';
import { SipHeaders } from './sip-headers.js';
import { contactUriOf, cseqOf, hasSdp, type SipRequest, type SipResponse, tagsOf } from './sip-message.js';
import type { Address } from './transport.js';

/** How a call setup ended. */
export interface InviteOutcome {
  ok: boolean;
  status: number;
  reason: string;
  /** No final response in time (Timer B, or answerTimeoutMs then CANCEL). */
  timedOut: boolean;
  /** The established session when ok. */
  session?: InviteSession;
}

/** Options of UserAgent.invite. */
export interface InviteOptions {
  /** Request-URI, e.g. `sip:echo@198.19.1.20:5060`. */
  requestUri: string;
  /** From name-addr without tag; default `<sip:zerodrop@LOCAL_IP>`. */
  from?: string;
  /** To name-addr; default `<requestUri>`. */
  to?: string;
  /** Where our RTP is received (goes into the SDP offer). */
  localMedia: MediaAddress;
  /** Extra headers (e.g. `X-Zerodrop-Call`). */
  headers?: ReadonlyArray<readonly [string, string]>;
  /** Preloaded route set (Route header values). */
  route?: readonly string[];
  /** Where to send; default the next hop of Route/Request-URI. */
  destination?: Address;
  callId?: string;
  /** Give up (CANCEL) when no final response came after this many ms; default 32_000. */
  answerTimeoutMs?: number;
  /** Session callbacks, attached before the answer's SDP is applied. */
  events?: InviteSessionEvents;
}

/** Hooks the user agent gives an outgoing INVITE. */
export interface OutgoingHooks {
  contact: string;
  register(session: InviteSession): void;
  strictCseq: boolean;
}

/** An INVITE in flight. */
export class OutgoingInvite {
  readonly result: Promise<InviteOutcome>;
  private provisional = false;
  private finalSeen = false;
  private ack: SipRequest | undefined;
  private session: InviteSession | undefined;
  private cancelled = false;
  private brokenAnswer = false;

  constructor(
    private readonly endpoint: SipEndpoint,
    readonly request: SipRequest,
    private readonly opts: InviteOptions,
    private readonly hooks: OutgoingHooks,
  ) {
    const cr = endpoint.request(request, {
      ...(opts.destination ? { destination: opts.destination } : {}),
      onResponse: (r) => this.onResponse(r),
    });
    const timer = endpoint.timerHost.schedule(opts.answerTimeoutMs ?? 32_000, () => this.cancel());
    this.result = cr.final.then((o) => {
      timer.cancel();
      const { status, reason } = o.response;
      if (status >= 200 && status < 300 && this.session)
        return { ok: true, status, reason, timedOut: false, session: this.session };
      const why = this.brokenAnswer ? `${reason} without Contact or To tag (no dialog)` : reason;
      return { ok: false, status, reason: why, timedOut: o.timedOut || this.cancelled };
    });
  }

  get callId(): string {
    return this.request.headers.get('Call-ID') ?? '';
  }

  /** Sends CANCEL for the pending INVITE (RFC 3261 9.1); no effect once a final response came. */
  cancel(): void {
    if (this.finalSeen || this.cancelled) return;
    this.cancelled = true;
    const h = new SipHeaders();
    h.append('Via', this.request.headers.get('Via') ?? '');
    for (const r of this.request.headers.getAll('Route')) h.append('Route', r);
    h.append('Max-Forwards', '70');
    for (const n of ['From', 'To', 'Call-ID']) h.append(n, this.request.headers.get(n) ?? '');
    h.append('CSeq', `${cseqOf(this.request)?.seq ?? 1} CANCEL`);
    const cancel: SipRequest = {
      kind: 'request',
      method: 'CANCEL',
      uri: this.request.uri,
      headers: h,
      body: '',
    };
    this.endpoint.request(cancel, this.opts.destination ? { destination: this.opts.destination } : {});
  }

  /** A 2xx that came after the transaction ended (stray): ACK it again. */
  reAck(res: SipResponse): boolean {
    if (!this.ack || !this.session || tagsOf(res).toTag !== this.session.dialog.remoteTag) return false;
    this.endpoint.sendRaw(this.ack, this.session.dialog.nextHop());
    return true;
  }

  private onResponse(res: SipResponse): void {
    if (res.status < 200) {
      this.provisional = true;
      return;
    }
    this.finalSeen = true;
    if (res.status >= 300) return;
    if (this.session) {
      this.reAck(res); // retransmitted 2xx: the ACK got lost (RFC 3261 13.2.2.4)
      return;
    }
    if (!contactUriOf(res) || !tagsOf(res).toTag) {
      // RFC 3261 12.1.2 needs both: without them there is no dialog to ACK into, and the call has failed
      this.opts.events?.onFinding?.({
        finding: SipFindingKind.noDialog,
        detail: `${res.status} without Contact or To tag`,
        callId: this.callId,
      });
      this.brokenAnswer = true;
      return;
    }
    const dialog = Dialog.asUac(this.request, res);
    const session = new InviteSession(
      this.endpoint,
      dialog,
      this.opts.localMedia,
      this.hooks.contact,
      this.hooks.strictCseq,
    );
    session.events = this.opts.events ?? {};
    this.session = session;
    this.hooks.register(session);
    this.ack = dialog.createRequest('ACK', { cseq: cseqOf(this.request)?.seq ?? 1 });
    this.ack.headers.prepend('Via', this.endpoint.newVia()); // the 2xx ACK is its own transaction (RFC 3261 13.2.2.4)
    this.endpoint.sendRaw(this.ack, dialog.nextHop());
    if (hasSdp(res)) session.applyRemoteSdp(res.body);
    else
      session.events.onFinding?.({
        finding: SipFindingKind.noSdpAnswer,
        detail: '2xx to our offer carried no SDP answer',
        callId: dialog.callId,
      });
  }

  /** True once any provisional response came (CANCEL is allowed). */
  get proceeding(): boolean {
    return this.provisional;
  }
}
