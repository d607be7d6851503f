// A SIP dialog (RFC 3261 12): identity, CSeq spaces, route set, remote target and its refresh.
import { ZerodropError } from '../common/errors.js';
import { SipHeaders } from './sip-headers.js';
import { callIdOf, contactUriOf, cseqOf, type SipRequest, type SipResponse, tagsOf } from './sip-message.js';
import { parseNameAddr, parseSipUri, uriOf } from './sip-uri.js';
import type { Address } from './transport.js';

/** The dialog's view of an in-dialog request it received. */
export interface DialogCheck {
  /** CSeq is not above the last remote CSeq (RFC 3261 12.2.2 says 500). */
  lowerCseq: boolean;
  /** The remote target changed (target refresh, RFC 3261 12.2.2): old and new. */
  targetRefreshed?: { from: string; to: string };
}

/** A dialog as plain data: what a B2BUA stores to rebuild it elsewhere (e.g. a recovering node). */
export interface DialogState {
  callId: string;
  localTag: string;
  remoteTag: string;
  /** Local and remote name-addr (From/To without tag). */
  localUri: string;
  remoteUri: string;
  localSeq: number;
  remoteSeq?: number;
  remoteTarget: string;
  routeSet: string[];
}

/** Dialog state, created by a 2xx (UAC, 12.1.2) or by answering (UAS, 12.1.1). */
export class Dialog {
  private constructor(
    readonly callId: string,
    readonly localTag: string,
    readonly remoteTag: string,
    /** Local and remote name-addr of From/To, without tags. */
    readonly localUri: string,
    readonly remoteUri: string,
    public localSeq: number,
    public remoteSeq: number | undefined,
    public remoteTarget: string,
    readonly routeSet: string[],
  ) {}

  /** The UAC's dialog from its INVITE and the 2xx (route set = Record-Route reversed, RFC 3261 12.1.2). */
  static asUac(invite: SipRequest, res: SipResponse): Dialog {
    const { fromTag, toTag } = tagsOf(res);
    const target = contactUriOf(res);
    if (!fromTag || !toTag || !target)
      throw new ZerodropError(`2xx without tags or Contact for ${callIdOf(res)}`);
    return new Dialog(
      callIdOf(invite),
      fromTag,
      toTag,
      withoutTag(invite.headers.get('From')),
      withoutTag(res.headers.get('To')),
      cseqOf(invite)?.seq ?? 1,
      undefined,
      target,
      res.headers.getAll('Record-Route').reverse(),
    );
  }

  /** The UAS's dialog from the INVITE it answers (route set = Record-Route in order, RFC 3261 12.1.1). */
  static asUas(invite: SipRequest, localTag: string): Dialog {
    const { fromTag } = tagsOf(invite);
    const target = contactUriOf(invite);
    if (!target) throw new ZerodropError(`INVITE without Contact for ${callIdOf(invite)}`);
    return new Dialog(
      callIdOf(invite),
      localTag,
      fromTag ?? '',
      withoutTag(invite.headers.get('To')),
      withoutTag(invite.headers.get('From')),
      Math.floor(Math.random() * 10_000) + 1,
      cseqOf(invite)?.seq,
      target,
      invite.headers.getAll('Record-Route'),
    );
  }

  /** Rebuilds a dialog from stored state (a recovering FreeSWITCH does this from its recovery row). */
  static restore(s: DialogState): Dialog {
    const { callId, localTag, remoteTag, localUri, remoteUri, localSeq, remoteSeq, remoteTarget, routeSet } =
      s;
    return new Dialog(callId, localTag, remoteTag, localUri, remoteUri, localSeq, remoteSeq, remoteTarget, [
      ...routeSet,
    ]);
  }

  /** The dialog as plain data (JSON-safe). */
  snapshot(): DialogState {
    const { callId, localTag, remoteTag, localUri, remoteUri, localSeq, remoteTarget } = this;
    const base = {
      callId,
      localTag,
      remoteTag,
      localUri,
      remoteUri,
      localSeq,
      remoteTarget,
      routeSet: [...this.routeSet],
    };
    return this.remoteSeq === undefined ? base : { ...base, remoteSeq: this.remoteSeq };
  }

  /** Checks an in-dialog request and refreshes the remote target on INVITE/UPDATE (RFC 3261 12.2.2). */
  receiveRequest(req: SipRequest): DialogCheck {
    const seq = cseqOf(req)?.seq ?? 0;
    const check: DialogCheck = { lowerCseq: false };
    if (req.method !== 'ACK' && req.method !== 'CANCEL') {
      if (this.remoteSeq !== undefined && seq <= this.remoteSeq) check.lowerCseq = true;
      else this.remoteSeq = seq;
    }
    const contact = contactUriOf(req);
    if ((req.method === 'INVITE' || req.method === 'UPDATE') && contact && contact !== this.remoteTarget) {
      check.targetRefreshed = { from: this.remoteTarget, to: contact };
      this.remoteTarget = contact;
    }
    return check;
  }

  /** A 2xx to our own target-refresh request updates the target too. */
  refreshFromResponse(res: SipResponse): void {
    const contact = contactUriOf(res);
    if (contact) this.remoteTarget = contact;
  }

  /** Builds an in-dialog request (RFC 3261 12.2.1.1); ACK and CANCEL reuse `cseq`. */
  createRequest(
    method: string,
    opts: { cseq?: number; body?: string; contentType?: string; contact?: string } = {},
  ): SipRequest {
    const seq = opts.cseq ?? ++this.localSeq;
    // a chosen CSeq (a recovery re-INVITE's big one) moves the space on; ACK/CANCEL reuse, never move it
    if (method !== 'ACK' && method !== 'CANCEL') this.localSeq = Math.max(this.localSeq, seq);
    const h = new SipHeaders();
    const first = this.routeSet[0];
    let uri = this.remoteTarget;
    let routes = this.routeSet;
    if (first && !uriOf(first)?.params.has('lr')) {
      // strict routing: the first route becomes the Request-URI, the target goes last (12.2.1.1)
      uri = parseNameAddr(first)?.uri ?? first;
      routes = [...this.routeSet.slice(1), `<${this.remoteTarget}>`];
    }
    for (const r of routes) h.append('Route', r);
    h.append('Max-Forwards', '70');
    h.append('From', `${this.localUri};tag=${this.localTag}`);
    h.append('To', `${this.remoteUri};tag=${this.remoteTag}`);
    h.append('Call-ID', this.callId);
    h.append('CSeq', `${seq} ${method}`);
    if (opts.contact) h.append('Contact', opts.contact);
    if (opts.body) h.append('Content-Type', opts.contentType ?? 'application/sdp');
    return { kind: 'request', method, uri, headers: h, body: opts.body ?? '' };
  }

  /** Where in-dialog requests go: the first route, else the remote target (RFC 3261 8.1.2). */
  nextHop(): Address {
    const uri = uriOf(this.routeSet[0]) ?? parseSipUri(this.remoteTarget);
    if (!uri) throw new ZerodropError(`dialog ${this.callId}: no routable target ${this.remoteTarget}`);
    return { address: uri.params.get('maddr') || uri.host, port: uri.port ?? 5060 };
  }
}

/** The From/To value with its tag param removed (the tag is kept separately). */
function withoutTag(value: string | undefined): string {
  return (value ?? '').replace(/;\s*tag=[^;>\s]*/i, '');
}
