// fs-sim's B2BUA: answers INVITEs per dialplan (echo, tone, conference, bridge via the proxy) and ends calls.
import { randomUUID } from 'node:crypto';
import { parseRemoteMedia } from '../../src/sip/session-description.js';
import type { IncomingRequest } from '../../src/sip/sip-endpoint.js';
import { callIdOf, contactUriOf, cseqOf, type SipResponse } from '../../src/sip/sip-message.js';
import { parseNameAddr, parseSipUri, tagOf } from '../../src/sip/sip-uri.js';
import { cdrTail } from './cdr-callflow.js';
import { type Channel, inDialogRequest } from './channel.js';
import { routeNumber } from './config.js';
import { answerSdp, SOFIA_HEADERS, sdpSessionId, sofiaToken, storedRemoteSdp, timeCseq } from './fs-sip.js';
import { legCdr } from './leg-cdr.js';
import type { InboundLegFacts } from './leg-facts.js';
import { legMedia, originateBLeg } from './originate-b-leg.js';
import { RtpPort } from './rtp-port.js';
import type { SimContext } from './sim-context.js';

const nowUs = (): number => Date.now() * 1000;

/** mod_conference's room for a dialplan number, as the lab dialplan names it (`zd-<number>@default`). */
export function conferenceName(number: string): string {
  return `zd-${number}`;
}

/** Handles every request fs-sim receives. */
export class CallControl {
  private conferenceMembers = 0;

  constructor(private readonly ctx: SimContext) {}

  /** Entry point for the SIP endpoint's request handler. */
  handle(inc: IncomingRequest): void {
    const req = inc.request;
    const inDialog = tagOf(req.headers.get('To')) !== undefined;
    if (req.method === 'ACK') {
      const acked = this.ctx.channels.byCall(callIdOf(req));
      if (acked) acked.acked = true;
      return;
    }
    if (!inDialog && (req.method === 'INVITE' || req.method === 'OPTIONS') && this.ctx.standby) {
      inc.respond(503, { reason: 'System Paused', headers: SOFIA_HEADERS });
      return;
    }
    if (!inDialog && req.method === 'INVITE') {
      void this.answer(inc).catch((e) => {
        this.ctx.log(`INVITE ${callIdOf(req)} failed: ${String(e)}`);
        inc.respond(500);
      });
      return;
    }
    if (!inDialog && req.method === 'OPTIONS') {
      inc.respond(200, { headers: SOFIA_HEADERS });
      return;
    }
    const chan = this.ctx.channels.byCall(callIdOf(req));
    if (!chan || chan.state === 'hungup') {
      inc.respond(481);
      return;
    }
    chan.networkAddr = inc.source.address;
    if (req.method === 'BYE') {
      inc.respond(200, { headers: [['User-Agent', SOFIA_HEADERS[0]?.[1] ?? '']] });
      this.hangup(chan, 'NORMAL_CLEARING', false);
      if (chan.partner && chan.partner.state !== 'hungup') this.hangup(chan.partner, 'NORMAL_CLEARING', true);
      return;
    }
    if (req.method === 'INVITE') {
      this.reinvited(inc, chan);
      return;
    }
    inc.respond(200, { headers: SOFIA_HEADERS });
  }

  /** A target refresh / media change from the peer: adopt it and answer with our SDP. */
  private reinvited(inc: IncomingRequest, chan: Channel): void {
    const remote = parseRemoteMedia(inc.request.body);
    if (remote && chan.rtp) chan.rtp.remote = { ip: remote.ip, port: remote.port };
    const contact = contactUriOf(inc.request);
    if (contact) chan.dialog.remoteTarget = contact;
    const rtp = chan.rtp;
    const body = rtp ? answerSdp(rtp.ip, rtp.port, sdpSessionId()) : '';
    inc.respond(200, {
      headers: [['Contact', chan.dialog.contact], ...SOFIA_HEADERS, ['Content-Type', 'application/sdp']],
      body,
    });
  }

  private async answer(inc: IncomingRequest): Promise<void> {
    const { config, node } = this.ctx;
    const req = inc.request;
    const ruri = parseSipUri(req.uri);
    const number = ruri?.user ?? '';
    const entry = routeNumber(config, number);
    if (!entry) {
      inc.respond(404, { headers: SOFIA_HEADERS });
      return;
    }
    const remote = parseRemoteMedia(req.body);
    if (!remote) {
      inc.respond(488, { headers: SOFIA_HEADERS });
      return;
    }
    inc.respond(100);
    const createdUs = nowUs();
    const rtp = await RtpPort.bindInRange(
      config.media.ip,
      config.media.rtpStart,
      config.media.rtpEnd,
      this.ctx.channels.takenPorts(),
    );
    rtp.remote = { ip: remote.ip, port: remote.port };
    const uuid = randomUUID();
    const localTag = sofiaToken();
    const sessionId = sdpSessionId();
    const localSdp = answerSdp(rtp.ip, rtp.port, sessionId);
    const from = req.headers.get('From') ?? '';
    const toWithTag = `${req.headers.get('To') ?? ''};tag=${localTag}`;
    const caller = parseNameAddr(from);
    const callerUser = parseSipUri(caller?.uri ?? '')?.user ?? '';
    const contact = `<sip:${number}@${node.sipIp}:${node.sipPort};transport=udp>`;
    const facts: InboundLegFacts = {
      direction: 'inbound',
      uuid,
      sessionId: ++this.ctx.sessionCount,
      fullFrom: from,
      fullTo: toWithTag,
      callId: callIdOf(req),
      cseq: cseqOf(req)?.seq ?? 1,
      fullVia: req.headers.getAll('Via').join(','),
      requestUri: req.uri,
      contact: req.headers.get('Contact') ?? '',
      recordRoute: req.headers.getAll('Record-Route'),
      maxForwards: Number(req.headers.get('Max-Forwards') ?? 70),
      networkIp: inc.source.address,
      networkPort: inc.source.port,
      media: legMedia(rtp, remote, localSdp, storedRemoteSdp(req.body)),
      app: entry.app,
      appData: this.bridgeTarget(entry.target ?? ''),
      destinationNumber: number,
      createdUs,
      answeredUs: createdUs,
    };
    const subject = req.headers.get('Subject');
    if (subject) facts.subject = subject;
    const room = entry.app === 'conference' ? conferenceName(number) : undefined;
    if (room) {
      // one conference per dialplan number, with a uuid that lives as long as it has members
      const member = this.ctx.channels.all().find((c) => c.conference === room);
      const confUuid = member ? new Map(member.doc.variables).get('conference_uuid') : undefined;
      facts.conference = { name: room, uuid: confUuid ?? randomUUID(), memberId: ++this.conferenceMembers };
    }
    const chan: Channel = {
      uuid,
      direction: 'inbound',
      app: entry.app,
      dialog: {
        callId: facts.callId,
        localHeader: toWithTag,
        remoteHeader: from,
        remoteTarget: contactUriOf(req) ?? `sip:${inc.source.address}:${inc.source.port}`,
        routeSet: facts.recordRoute,
        localCseq: timeCseq(),
        contact: `<sip:${callerUser}@${node.sipIp}:${node.sipPort}>`,
      },
      rtp,
      doc: legCdr(node, facts, ''),
      state: 'answered',
      recovered: false,
      tracked: false,
      createdEpochS: Math.floor(createdUs / 1e6),
      callerName: caller?.display ?? callerUser,
      callerNumber: callerUser,
      destination: number,
      networkAddr: inc.source.address,
    };
    if (room) chan.conference = room;
    let bleg: Channel | undefined;
    if (entry.app === 'bridge') {
      const outcome = await originateBLeg(this.ctx, chan, facts.appData, facts.maxForwards - 1, (c, cseq) =>
        this.ack(c, cseq),
      );
      if ('status' in outcome) {
        rtp.close();
        inc.respond(outcome.status >= 300 ? outcome.status : 502, { headers: SOFIA_HEADERS });
        return;
      }
      bleg = outcome.channel;
      facts.partnerUuid = bleg.uuid;
      facts.partnerChannel = `sofia/${node.profile}/${facts.appData.replace(/;.*$/, '')}`;
      facts.partnerRemoteSdp = outcome.remoteSdp;
      facts.answeredUs = nowUs();
      chan.partner = bleg;
      bleg.partner = chan;
      rtp.mode = 'relay';
      rtp.peers = bleg.rtp ? [bleg.rtp] : [];
      if (bleg.rtp) {
        bleg.rtp.mode = 'relay';
        bleg.rtp.peers = [rtp];
      }
    } else this.startMedia(chan);
    chan.doc = legCdr(node, facts, cdrTail(node, facts, randomUUID()));
    if (inc.transaction && inc.transaction.state !== 'Proceeding') {
      // CANCELled (487 sent) while we set up: nothing was answered, nothing is tracked
      rtp.close();
      if (bleg) this.hangup(bleg, 'ORIGINATOR_CANCEL', true);
      return;
    }
    this.ctx.channels.add(chan);
    const ok = inc.respond(200, {
      toTag: localTag,
      headers: [['Contact', contact], ...SOFIA_HEADERS, ['Content-Type', 'application/sdp']],
      body: localSdp,
    });
    this.retransmitUntilAck(chan, () => this.ctx.endpoint.sendResponse(ok));
    this.ctx.publish({ name: 'CHANNEL_ANSWER', headers: { 'Unique-ID': uuid, 'Call-Direction': 'inbound' } });
    this.ctx.rows.track(chan);
  }

  /** RFC 3261 13.3.1.4: the UAS core resends its 2xx (T1 doubling to T2) until the ACK comes, 64*T1 at most. */
  private retransmitUntilAck(chan: Channel, resend: () => void): void {
    const { T1, T2 } = { T1: 500, T2: 4000 };
    const deadline = Date.now() + 64 * T1;
    const tick = (ms: number) =>
      setTimeout(() => {
        if (chan.acked || chan.state === 'hungup' || Date.now() > deadline) return;
        resend();
        tick(Math.min(2 * ms, T2));
      }, ms);
    tick(T1);
  }

  /** Media for a non-bridged leg by its application. */
  startMedia(chan: Channel): void {
    const rtp = chan.rtp;
    if (!rtp) return;
    if (chan.app === 'echo') rtp.mode = 'echo';
    else if (chan.app === 'tone') rtp.startTone();
    else if (chan.app === 'conference') {
      // the mix as a forward: every member receives each other member's packets (re-stamped with its own
      // SSRC/seq), so a receiver still tells whose audio it hears; a member hears everyone but itself
      rtp.mode = 'conference';
      const members = this.ctx.channels
        .all()
        .filter((c) => c.app === 'conference' && c.conference === chan.conference && c.rtp && c !== chan);
      rtp.peers = members.map((c) => c.rtp as RtpPort);
      // a recovering member already listed this one when it rejoined first: never list a port twice
      for (const m of members) if (m.rtp && !m.rtp.peers.includes(rtp)) m.rtp.peers.push(rtp);
    }
  }

  /** Bridge target with fs_path through the proxy, as the fixture dialplan writes it. */
  private bridgeTarget(target: string): string {
    const proxy = this.ctx.config.proxy;
    return proxy && target ? `${target};fs_path=sip:${proxy}` : target;
  }

  /** ACK for a 2xx (RFC 3261 13.2.2.4): same CSeq number, new branch, through the route set. */
  ack(chan: Channel, cseq: number, response?: SipResponse): void {
    if (response) {
      const contact = contactUriOf(response);
      if (contact) chan.dialog.remoteTarget = contact;
    }
    const { request, destination } = inDialogRequest(
      chan.dialog,
      'ACK',
      { ip: this.ctx.node.sipIp, port: this.ctx.node.sipPort },
      { cseq },
    );
    if (destination) this.ctx.endpoint.sendRaw(request, destination);
  }

  /** Ends a leg: BYE when asked, media closed, row deleted through the queue. */
  hangup(chan: Channel, cause: string, sendBye: boolean): void {
    if (chan.state === 'hungup') return;
    chan.state = 'hungup';
    if (sendBye) {
      const { request, destination } = inDialogRequest(chan.dialog, 'BYE', {
        ip: this.ctx.node.sipIp,
        port: this.ctx.node.sipPort,
      });
      if (destination) void this.ctx.endpoint.request(request, { destination }).final;
    }
    chan.rtp?.close();
    this.ctx.channels.remove(chan);
    this.ctx.rows.untrack(chan);
    this.ctx.publish({ name: 'CHANNEL_HANGUP', headers: { 'Unique-ID': chan.uuid, 'Hangup-Cause': cause } });
  }
}
