// One established INVITE session (RFC 3261 13-15): re-INVITE as target refresh, ACK, BYE, 2xx retransmission.
import type { ClientOutcome } from './client-request.js';
import type { Dialog } from './dialog.js';
import {
  answerDirection,
  buildSdp,
  type MediaAddress,
  parseRemoteMedia,
  type RemoteMedia,
} from './session-description.js';
import type { IncomingRequest, SipEndpoint } from './sip-endpoint.js';
import { type SipFinding, SipFindingKind } from './sip-finding.js';
import { cseqOf, hasSdp, type SipResponse } from './sip-message.js';
import { uriOf } from './sip-uri.js';
import type { Address } from './transport.js';
import { TwoXxRetransmitter } from './two-xx-retransmitter.js';

/** What a re-INVITE told us (the call.reinvite event value). */
export interface ReinviteInfo {
  source: Address;
  /** The new remote target, when the Contact changed. */
  contact: string | undefined;
  /** SDP of the re-INVITE (undefined when it had none: we offered in the 200). */
  sdp: RemoteMedia | undefined;
  cseq: number;
  findings: SipFinding[];
}

/** Callbacks of a session; all optional. */
export interface InviteSessionEvents {
  /** A re-INVITE arrived (before it is answered). */
  onReinvite?(info: ReinviteInfo): void;
  /** The 200 to a re-INVITE was ACKed (ok) or never was (64*T1). */
  onReinviteAnswered?(ok: boolean, status: number): void;
  /** Where to send RTP now (initial answer, re-INVITE SDP, or the SDP in an ACK). */
  onRemoteMedia?(media: RemoteMedia): void;
  /** The peer hung up with BYE. */
  onBye?(source: Address): void;
  onFinding?(f: SipFinding): void;
}

export const SessionState = { Confirmed: 'Confirmed', Terminated: 'Terminated' } as const;
export type SessionState = (typeof SessionState)[keyof typeof SessionState];

/** An established call leg; both the caller's and the callee's side are one of these. */
export class InviteSession {
  state: SessionState = SessionState.Confirmed;
  remoteMedia: RemoteMedia | undefined;
  events: InviteSessionEvents = {};
  private sdpVersion = 1;
  private readonly sessionId = Math.floor(Math.random() * 1e9);
  private readonly retransmitter: TwoXxRetransmitter;
  private awaitingAnswerInAck = false;

  constructor(
    readonly endpoint: SipEndpoint,
    readonly dialog: Dialog,
    readonly localMedia: MediaAddress,
    readonly contact: string,
    /** Reject lower-CSeq in-dialog requests with 500 (RFC 3261 12.2.2) instead of going on. */
    private readonly strictCseq = false,
  ) {
    this.retransmitter = new TwoXxRetransmitter(endpoint);
  }

  get callId(): string {
    return this.dialog.callId;
  }

  /** Our SDP, with a version that grows at each call (RFC 3264 8). */
  localSdp(): string {
    // answering a hold (sendonly/inactive) keeps the answer's direction consistent (RFC 3264 6.1)
    const direction = this.remoteMedia ? answerDirection(this.remoteMedia.direction) : 'sendrecv';
    return buildSdp({ ...this.localMedia, sessionId: this.sessionId, version: this.sdpVersion++, direction });
  }

  /** Adopts SDP from the peer (answer, re-offer, or ACK answer). */
  applyRemoteSdp(body: string): RemoteMedia | undefined {
    const media = parseRemoteMedia(body);
    if (media) {
      this.remoteMedia = media;
      this.events.onRemoteMedia?.(media);
    }
    return media;
  }

  /** An offer goes in our 200 (SDP-less INVITE): the ACK must carry the answer (RFC 3264 5). */
  expectAnswerInAck(): void {
    this.awaitingAnswerInAck = true;
  }

  /** Sends the 200 to our INVITE/re-INVITE while the UAS core retransmits it until ACK (RFC 3261 13.3.1.4). */
  answer(inc: IncomingRequest, onAcked?: (ok: boolean) => void): SipResponse {
    const res = inc.respond(200, {
      toTag: this.dialog.localTag,
      headers: [
        ['Contact', this.contact],
        ['Content-Type', 'application/sdp'],
      ],
      body: this.localSdp(),
    });
    this.retransmitter.start(res, cseqOf(inc.request)?.seq ?? 0, (ok) => {
      if (!ok)
        this.report(this.finding(SipFindingKind.noAck, `no ACK for 200 to CSeq ${cseqOf(inc.request)?.seq}`));
      onAcked?.(ok);
    });
    return res;
  }

  /** Handles an in-dialog request routed here by the user agent. */
  handleRequest(inc: IncomingRequest): void {
    const req = inc.request;
    if (req.method === 'ACK') {
      this.handleAck(inc);
      return;
    }
    const check = this.dialog.receiveRequest(req);
    // a re-INVITE's findings travel in its onReinvite info; other requests report them on their own
    const findings: SipFinding[] = [];
    const note = (f: SipFinding) => (req.method === 'INVITE' ? findings.push(f) : this.report(f));
    if (check.lowerCseq) {
      note(
        this.finding(
          SipFindingKind.lowerCseq,
          `${req.method} CSeq ${cseqOf(req)?.seq} <= ${this.dialog.remoteSeq}`,
          inc.source,
        ),
      );
      if (this.strictCseq) {
        if (req.method === 'INVITE') for (const f of findings) this.report(f);
        inc.respond(500, { reason: 'Lower CSeq' });
        return;
      }
    }
    if (req.method === 'INVITE') {
      this.handleReinvite(inc, check.targetRefreshed?.to, findings);
      return;
    }
    if (req.method === 'BYE') {
      inc.respond(200);
      this.terminate();
      this.events.onBye?.(inc.source);
      return;
    }
    if (req.method === 'UPDATE' && hasSdp(req)) {
      this.applyRemoteSdp(req.body);
      inc.respond(200, {
        headers: [
          ['Contact', this.contact],
          ['Content-Type', 'application/sdp'],
        ],
        body: this.localSdp(),
      });
      return;
    }
    inc.respond(200); // OPTIONS, INFO, NOTIFY, UPDATE without SDP: nothing to change
  }

  private handleReinvite(inc: IncomingRequest, newTarget: string | undefined, findings: SipFinding[]): void {
    const req = inc.request;
    const ownContact = uriOf(this.contact);
    for (const route of req.headers.getAll('Route')) {
      const r = uriOf(route);
      if (r && ownContact && r.host === ownContact.host && (r.port ?? 5060) === (ownContact.port ?? 5060)) {
        findings.push(this.finding(SipFindingKind.routeToSelf, `Route ${route} names this UA`, inc.source));
      }
    }
    let sdp: RemoteMedia | undefined;
    if (hasSdp(req)) {
      sdp = parseRemoteMedia(req.body);
    } else {
      findings.push(
        this.finding(
          SipFindingKind.sdpLessReinvite,
          `re-INVITE CSeq ${cseqOf(req)?.seq} without SDP; offering in 200`,
          inc.source,
        ),
      );
    }
    this.events.onReinvite?.({
      source: inc.source,
      contact: newTarget,
      sdp,
      cseq: cseqOf(req)?.seq ?? 0,
      findings,
    });
    if (sdp) this.applyRemoteSdp(req.body);
    this.awaitingAnswerInAck = !sdp;
    this.answer(inc, (ok) => this.events.onReinviteAnswered?.(ok, 200));
  }

  private handleAck(inc: IncomingRequest): void {
    this.retransmitter.acked(cseqOf(inc.request)?.seq ?? -1);
    if (!this.awaitingAnswerInAck) return;
    this.awaitingAnswerInAck = false;
    if (hasSdp(inc.request)) this.applyRemoteSdp(inc.request.body);
    else
      this.report(
        this.finding(SipFindingKind.ackWithoutAnswer, 'ACK to our offer in 200 carried no SDP', inc.source),
      );
  }

  /** Hangs up (RFC 3261 15.1.1): BYE to the current target via the route set. */
  async bye(): Promise<ClientOutcome> {
    const req = this.dialog.createRequest('BYE');
    this.terminate();
    return this.endpoint.request(req, { destination: this.dialog.nextHop() }).final;
  }

  /** Marks the session over and stops retransmissions. */
  terminate(): void {
    if (this.state === SessionState.Terminated) return;
    this.state = SessionState.Terminated;
    this.retransmitter.stop();
    this.onTerminated?.();
  }

  /** Set by the user agent: forget this session some time after it ended. */
  onTerminated: (() => void) | undefined;

  /** Builds a finding of this call (not yet reported). */
  private finding(kind: SipFinding['finding'], detail: string, source?: Address): SipFinding {
    const f: SipFinding = { finding: kind, detail, callId: this.callId };
    if (source) f.source = source;
    return f;
  }

  private report(f: SipFinding): void {
    this.events.onFinding?.(f);
  }
}
