// The user agent core (RFC 3261 8, 12-15) on one endpoint: places and takes calls, routes in-dialog requests.
import { IncomingInvite } from './incoming-invite.js';
import type { InviteSession } from './invite-session.js';
import { type InviteOptions, type OutgoingHooks, OutgoingInvite } from './outgoing-invite.js';
import { buildSdp } from './session-description.js';
import type { IncomingRequest, SipEndpoint } from './sip-endpoint.js';
import { type FindingSink, SipFindingKind } from './sip-finding.js';
import { callIdOf, contactUriOf, cseqOf, makeRequest, type SipResponse, tagsOf } from './sip-message.js';

/** Options of a UserAgent. */
export interface UserAgentOptions {
  endpoint: SipEndpoint;
  /** User part of our Contact, default 'zerodrop'. */
  user?: string;
  /** Reject lower-CSeq in-dialog requests with 500 (RFC 3261 12.2.2) instead of recording and going on. */
  strictCseq?: boolean;
  /** Findings that belong to no known call (unknown dialog). */
  onFinding?: FindingSink;
}

/** Places and answers calls; every established call is an InviteSession reachable by its dialog. */
export class UserAgent {
  readonly contact: string;
  private readonly sessions = new Map<string, InviteSession[]>();
  private readonly outgoing = new Map<string, OutgoingInvite>();
  private readonly pending = new Map<string, IncomingInvite>();
  private inviteHandler: (inv: IncomingInvite) => void = (inv) => inv.reject(480, 'No Handler');
  private readonly hooks: OutgoingHooks;

  constructor(private readonly opts: UserAgentOptions) {
    const { address, port } = opts.endpoint.local;
    this.contact = `<sip:${opts.user ?? 'zerodrop'}@${address}:${port}>`;
    this.hooks = {
      contact: this.contact,
      strictCseq: opts.strictCseq ?? false,
      register: (s) => this.register(s),
    };
    opts.endpoint.onRequest((inc) => this.dispatch(inc));
    opts.endpoint.onStrayResponse((res) => this.onStray(res));
  }

  get endpoint(): SipEndpoint {
    return this.opts.endpoint;
  }

  /** Sets who decides about new INVITEs. */
  onInvite(handler: (inv: IncomingInvite) => void): void {
    this.inviteHandler = handler;
  }

  /** Places a call: INVITE with an SDP offer for opts.localMedia. */
  invite(opts: InviteOptions): OutgoingInvite {
    const local = this.opts.endpoint.local.address;
    const callId = opts.callId ?? `${Math.random().toString(36).slice(2)}@${local}`;
    const headers: Array<[string, string]> = (opts.route ?? []).map((r) => ['Route', r]);
    headers.push(
      ['From', `${opts.from ?? `<sip:zerodrop@${local}>`};tag=${Math.random().toString(36).slice(2, 12)}`],
      ['To', opts.to ?? `<${opts.requestUri}>`],
      ['Call-ID', callId],
      ['CSeq', '1 INVITE'],
      ['Contact', this.contact],
      ['Content-Type', 'application/sdp'],
      ...(opts.headers ?? []).map(([n, v]): [string, string] => [n, v]),
    );
    const sdp = buildSdp({ ...opts.localMedia, sessionId: Math.floor(Math.random() * 1e9), version: 1 });
    const out = new OutgoingInvite(
      this.opts.endpoint,
      makeRequest('INVITE', opts.requestUri, headers, sdp),
      opts,
      this.hooks,
    );
    this.outgoing.set(callId, out);
    void out.result.then((o) => {
      if (!o.ok) this.outgoing.delete(callId); // kept while the session lives: late 2xx get re-ACKed
    });
    return out;
  }

  /** Sessions established and not yet forgotten. */
  allSessions(): InviteSession[] {
    return [...this.sessions.values()].flat();
  }

  /** Forgets a terminated session (the call generator calls it at the end of a call). */
  forget(session: InviteSession): void {
    const list = (this.sessions.get(session.callId) ?? []).filter((s) => s !== session);
    if (list.length) this.sessions.set(session.callId, list);
    else {
      this.sessions.delete(session.callId);
      this.outgoing.delete(session.callId);
    }
  }

  /** Stops every session's retransmissions and closes the endpoint (no BYEs are sent). */
  async close(): Promise<void> {
    for (const s of this.allSessions()) s.terminate();
    this.sessions.clear();
    this.outgoing.clear();
    await this.opts.endpoint.close();
  }

  private register(session: InviteSession): void {
    const list = this.sessions.get(session.callId) ?? [];
    list.push(session);
    this.sessions.set(session.callId, list);
    // an ended dialog lingers 64*T1 (late ACKs, BYE retransmissions), then memory is released
    session.onTerminated = () =>
      this.opts.endpoint.timerHost.schedule(this.opts.endpoint.timers.H, () => this.forget(session));
  }

  private dispatch(inc: IncomingRequest): void {
    const req = inc.request;
    const { fromTag, toTag } = tagsOf(req);
    if (req.method === 'CANCEL') {
      this.pending.get(`${callIdOf(req)}|${cseqOf(req)?.seq}`)?.cancelled();
      return;
    }
    if (toTag) {
      this.inDialog(inc, fromTag, toTag);
      return;
    }
    if (req.method === 'INVITE') {
      if (!contactUriOf(req) || !tagsOf(req).fromTag) {
        inc.respond(400, { reason: 'Missing Contact or From tag' });
        this.opts.onFinding?.({
          finding: SipFindingKind.noDialog,
          detail: 'INVITE without Contact or From tag',
          callId: callIdOf(req),
          source: inc.source,
        });
        return;
      }
      const key = `${callIdOf(req)}|${cseqOf(req)?.seq}`;
      const inv = new IncomingInvite(this.opts.endpoint, inc, this.hooks);
      this.pending.set(key, inv);
      this.opts.endpoint.timerHost.schedule(this.opts.endpoint.timers.H, () => this.pending.delete(key));
      this.inviteHandler(inv);
    } else if (req.method === 'OPTIONS') {
      inc.respond(200, { headers: [['Allow', 'INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE, INFO']] });
    } else if (req.method !== 'ACK') {
      inc.respond(481);
    }
  }

  /** Routes an in-dialog request by Call-ID and tags (RFC 3261 12.2.2); swapped tags still match, with a finding. */
  private inDialog(inc: IncomingRequest, fromTag: string | undefined, toTag: string): void {
    const req = inc.request;
    const list = this.sessions.get(callIdOf(req)) ?? [];
    const exact = list.find((s) => s.dialog.localTag === toTag && s.dialog.remoteTag === fromTag);
    const swapped = exact
      ? undefined
      : list.find((s) => s.dialog.localTag === fromTag && s.dialog.remoteTag === toTag);
    const session = exact ?? swapped;
    if (!session) {
      this.opts.onFinding?.({
        finding: SipFindingKind.unknownDialog,
        detail: `${req.method} for unknown dialog (from-tag ${fromTag}, to-tag ${toTag})`,
        callId: callIdOf(req),
        source: inc.source,
      });
      if (req.method !== 'ACK') inc.respond(481);
      return;
    }
    if (session.state === 'Terminated') {
      // a request for a call that already ended (e.g. a late recovery re-INVITE): the dialog is gone
      if (req.method !== 'ACK') inc.respond(481);
      if (req.method !== 'ACK' && req.method !== 'BYE') {
        this.opts.onFinding?.({
          finding: SipFindingKind.unknownDialog,
          detail: `${req.method} for an ended dialog`,
          callId: session.callId,
          source: inc.source,
        });
      }
      return;
    }
    if (swapped) {
      session.events.onFinding?.({
        finding: SipFindingKind.swappedTags,
        detail: `${req.method} has our tag ${fromTag} in From and theirs in To`,
        callId: session.callId,
        source: inc.source,
      });
    }
    session.handleRequest(inc);
  }

  private onStray(res: SipResponse): void {
    if (res.status < 200 || res.status >= 300 || cseqOf(res)?.method !== 'INVITE') return;
    this.outgoing.get(callIdOf(res))?.reAck(res);
  }
}
