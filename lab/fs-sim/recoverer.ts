// `fsctl recover` / `sofia recover`: take every foreign-runtime row, re-bind its media, re-INVITE each leg.

import { parseRemoteMedia } from '../../src/sip/session-description.js';
import { makeRequest } from '../../src/sip/sip-message.js';
import type { CallControl } from './call-control.js';
import type { Channel, ChannelApp } from './channel.js';
import { sdpSessionId, sofiaToken, timeCseq, USER_AGENT } from './fs-sip.js';
import { recoveredVariables } from './recovered-vars.js';
import { buildRecoveryReinvite, recoveryRoute } from './recovery-reinvite.js';
import { parseRecoveryRow, type StoredLeg } from './recovery-row.js';
import type { RecoveryScope } from './recovery-store.js';
import { RtpPort } from './rtp-port.js';
import type { SimContext } from './sim-context.js';
import { splitHeaderListSafe } from './sip-text.js';

const APPS: Record<string, ChannelApp> = {
  echo: 'echo',
  bridge: 'bridge',
  conference: 'conference',
  playback: 'tone',
};

/** Runs recoveries for one node; a leg answered here may wait for its bridged partner. */
export class Recoverer {
  /** uuid -> resolves true when that leg's re-INVITE was answered here, false when it died. */
  private readonly answered = new Map<string, Promise<boolean>>();

  constructor(
    private readonly ctx: SimContext,
    private readonly calls: CallControl,
  ) {}

  /** Recovers foreign-runtime rows in scope; returns N as FreeSWITCH counts it (legs, dead ones too). */
  async recover(scope: RecoveryScope): Promise<number> {
    const { store, node } = this.ctx;
    const rows = await store.selectForeign(node.coreUuid, scope);
    await store.deleteForeign(node.coreUuid, scope);
    const cseq = timeCseq();
    let count = 0;
    for (const row of rows) {
      let leg: StoredLeg;
      try {
        leg = parseRecoveryRow(row);
      } catch (e) {
        this.ctx.log(`recover: skipping row ${row.uuid}: ${String(e)}`);
        continue;
      }
      const profile = leg.vars.get('recovery_profile_name') || row.profile_name;
      if (profile !== node.profile) {
        this.ctx.log(`recover: row ${row.uuid}: invalid profile ${profile}`);
        continue;
      }
      count++;
      let rtp: RtpPort;
      try {
        rtp = await RtpPort.bind(leg.localMediaIp, leg.localMediaPort);
      } catch (e) {
        // FreeSWITCH: bind error, hangup INCOMPATIBLE_DESTINATION, no SIP at all, still counted
        this.ctx.log(
          `recover: ${leg.uuid} cannot bind ${leg.localMediaIp}:${leg.localMediaPort}: ${String(e)}`,
        );
        this.answered.set(leg.uuid, Promise.resolve(false));
        continue;
      }
      const outcome = this.reinvite(leg, rtp, cseq);
      this.answered.set(leg.uuid, outcome);
      // partners look a leg up only within partnerWaitMs of its answer: forget it after that
      void outcome.then(() =>
        setTimeout(
          () => this.answered.get(leg.uuid) === outcome && this.answered.delete(leg.uuid),
          2 * this.ctx.config.timing.partnerWaitMs + 1000,
        ),
      );
    }
    return count;
  }

  private channelOf(leg: StoredLeg, rtp: RtpPort, from: string, to: string, target: string): Channel {
    const v = leg.vars;
    const route = recoveryRoute(leg);
    const chan: Channel = {
      uuid: leg.uuid,
      direction: leg.direction,
      app: leg.direction === 'outbound' ? 'bridge' : (APPS[leg.app ?? 'echo'] ?? 'echo'),
      dialog: {
        callId: leg.callId,
        localHeader: from,
        remoteHeader: to,
        remoteTarget: target,
        routeSet: route && v.get('sip_invite_record_route') ? splitHeaderListSafe(route) : [],
        localCseq: 0,
        contact: `<sip:${v.get('sip_contact_user') ?? ''}@${this.ctx.node.sipIp}:${this.ctx.node.sipPort}>`,
      },
      rtp,
      doc: leg.doc,
      state: 'recovering',
      recovered: true,
      tracked: false,
      createdEpochS: Math.floor(Date.now() / 1000),
      callerName: '',
      callerNumber: '',
      destination: '',
      networkAddr: v.get('sip_network_ip') ?? '',
    };
    const conference = v.get('conference_name');
    if (conference) chan.conference = conference;
    const stored = v.get('sip_recover_via');
    if (leg.direction === 'outbound' && stored) chan.dialog.fixedVia = stored;
    return chan;
  }

  /** Sends one leg's re-INVITE; resolves true once answered (and ACKed), false when the leg died. */
  private async reinvite(leg: StoredLeg, rtp: RtpPort, cseq: number): Promise<boolean> {
    const { node, hostIp, endpoint, config } = this.ctx;
    const out = buildRecoveryReinvite(
      leg,
      { sipIp: node.sipIp, sipPort: node.sipPort, hostIp, userAgent: USER_AGENT },
      { cseq, branch: `z9hG4bK${sofiaToken()}`, sdpSessionId: sdpSessionId() },
    );
    const headers = out.headers.filter(([k]) => k !== 'Content-Length');
    const from = headers.find(([k]) => k === 'From')?.[1] ?? '';
    const to = headers.find(([k]) => k === 'To')?.[1] ?? '';
    const chan = this.channelOf(leg, rtp, from, to, out.requestUri);
    chan.dialog.localCseq = cseq;
    this.ctx.channels.add(chan);
    const cr = endpoint.request(makeRequest('INVITE', out.requestUri, headers, out.body), {
      destination: out.destination,
      // a 2xx retransmission means our ACK was lost: ACK again
      onResponse: (res) => {
        if (res.status >= 200 && res.status < 300 && chan.state === 'answered')
          this.calls.ack(chan, cseq, res);
      },
    });
    // the recovered channel is tracked at once (row under this runtime, through the queue); the 200 updates it
    chan.doc = {
      ...leg.doc,
      variables: [...leg.doc.variables.filter(([k]) => k !== 'recovered'), ['recovered', 'true']],
    };
    this.ctx.rows.track(chan);
    const timer = setTimeout(() => cr.terminate(), config.timing.reinviteTimeoutMs);
    const { response, timedOut } = await cr.final;
    clearTimeout(timer);
    if (timedOut || response.status >= 300 || chan.state === 'hungup') {
      // RECOVERY_ON_TIMER_EXPIRE: the leg goes away without a BYE
      this.ctx.log(
        `recover: ${leg.uuid} re-INVITE ${timedOut ? 'timed out' : `got ${response.status}`}; leg hung up`,
      );
      chan.state = 'hungup';
      rtp.close();
      this.ctx.channels.remove(chan);
      this.ctx.rows.untrack(chan);
      return false;
    }
    chan.state = 'answered';
    const media = parseRemoteMedia(response.body);
    if (media) rtp.remote = { ip: media.ip, port: media.port };
    chan.dialog.remoteHeader = response.headers.get('To') ?? to;
    chan.doc = { ...leg.doc, variables: recoveredVariables(leg, { ...out, headers }, response) };
    const partnerUuid = leg.direction === 'inbound' && leg.app === 'bridge' ? leg.partnerUuid : undefined;
    if (partnerUuid) await this.partnerOutcome(partnerUuid);
    this.calls.ack(chan, cseq, response);
    this.attachMedia(chan, leg);
    this.ctx.rows.update(chan);
    this.ctx.publish({
      name: 'CHANNEL_ANSWER',
      headers: { 'Unique-ID': chan.uuid, 'Call-Direction': chan.direction },
    });
    return true;
  }

  /** Waits (at most partnerWaitMs) for the partner leg's re-INVITE outcome in this process. */
  private async partnerOutcome(uuid: string): Promise<boolean> {
    const deadline = Date.now() + this.ctx.config.timing.partnerWaitMs;
    while (Date.now() < deadline) {
      const p = this.answered.get(uuid);
      if (p) {
        const left = deadline - Date.now();
        return Promise.race([p, new Promise<boolean>((r) => setTimeout(() => r(false), left))]);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  }

  /** Echo/tone/conference resume; a bridged leg relays to its partner, or sits without media. */
  private attachMedia(chan: Channel, leg: StoredLeg): void {
    if (chan.app !== 'bridge') {
      this.calls.startMedia(chan);
      return;
    }
    const partnerUuid = leg.partnerUuid;
    void (async () => {
      if (!partnerUuid || !(await this.partnerOutcome(partnerUuid))) {
        this.ctx.log(`recover: ${chan.uuid} partner ${partnerUuid ?? '?'} not recovered here; no media`);
        if (chan.rtp) chan.rtp.mode = 'mute';
        return;
      }
      const partner = this.ctx.channels.get(partnerUuid);
      if (!partner?.rtp || !chan.rtp || chan.state !== 'answered') return;
      chan.partner = partner;
      partner.partner = chan;
      chan.rtp.mode = 'relay';
      partner.rtp.mode = 'relay';
      chan.rtp.peers = [partner.rtp];
      partner.rtp.peers = [chan.rtp];
    })();
  }
}
