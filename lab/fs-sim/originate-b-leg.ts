// Bridging: the B-leg INVITE FreeSWITCH sends through the proxy (fs_path) and the channel it becomes.
import { randomUUID } from 'node:crypto';
import { parseRemoteMedia } from '../../src/sip/session-description.js';
import { contactUriOf, makeRequest } from '../../src/sip/sip-message.js';
import { parseSipUri } from '../../src/sip/sip-uri.js';
import { cdrTail } from './cdr-callflow.js';
import type { Channel } from './channel.js';
import { offerSdp, SOFIA_HEADERS, sdpSessionId, sofiaToken, storedRemoteSdp, timeCseq } from './fs-sip.js';
import { legCdr } from './leg-cdr.js';
import type { LegMedia, OutboundLegFacts } from './leg-facts.js';
import { localVia } from './recovery-reinvite.js';
import { RtpPort } from './rtp-port.js';
import type { SimContext } from './sim-context.js';

const nowUs = (): number => Date.now() * 1000;

/** The media facts of a leg for its CDR. */
export function legMedia(
  rtp: RtpPort,
  remote: { ip: string; port: number },
  localSdp: string,
  remoteSdp: string,
): LegMedia {
  return {
    localIp: rtp.ip,
    localPort: rtp.port,
    remoteIp: remote.ip,
    remotePort: remote.port,
    localSdp,
    remoteSdp,
    ssrc: rtp.ssrc,
  };
}

/** Sends the B-leg INVITE (through the proxy when fs_path is set) and waits for its final answer; ACKs a 2xx. */
export async function originateBLeg(
  ctx: SimContext,
  aleg: Channel,
  appData: string,
  maxForwards: number,
  ack: (chan: Channel, cseq: number) => void,
): Promise<{ channel: Channel; remoteSdp: string } | { status: number }> {
  const { node, config, endpoint } = ctx;
  const [target = '', ...params] = appData.split(';');
  const fsPath = params.find((p) => p.startsWith('fs_path='))?.slice('fs_path='.length);
  const rtp = await RtpPort.bindInRange(
    config.media.ip,
    config.media.rtpStart,
    config.media.rtpEnd,
    ctx.channels.takenPorts(),
  );
  const uuid = randomUUID();
  const callId = randomUUID();
  const fromHeader = `"${aleg.callerName}" <sip:${aleg.callerNumber}@${node.sipIp}>;tag=${sofiaToken()}`;
  const toHeader = `<sip:${target}>`;
  const cseq = timeCseq();
  const sessionId = sdpSessionId();
  const localSdp = offerSdp(rtp.ip, rtp.port, sessionId);
  const contact = `<sip:mod_sofia@${node.sipIp}:${node.sipPort}>`;
  const origin = { sipIp: node.sipIp, sipPort: node.sipPort, hostIp: node.sipIp, userAgent: '' };
  const headers: Array<[string, string]> = [['Via', localVia(origin, `z9hG4bK${sofiaToken()}`)]];
  if (fsPath) headers.push(['Route', `<${fsPath}>`]);
  headers.push(
    ['Max-Forwards', String(maxForwards)],
    ['From', fromHeader],
    ['To', toHeader],
    ['Call-ID', callId],
    ['CSeq', `${cseq} INVITE`],
    ['Contact', contact],
    ...SOFIA_HEADERS,
    ['Content-Type', 'application/sdp'],
    ['Content-Disposition', 'session'],
    ['X-FS-Support', 'update_display,send_info'],
    [
      'Remote-Party-ID',
      `"${aleg.callerName}" <sip:${aleg.callerNumber}@${node.sipIp}>;party=calling;screen=yes;privacy=off`,
    ],
  );
  const invite = makeRequest('INVITE', `sip:${target}`, headers, localSdp);
  const dest = parseSipUri(fsPath ?? `sip:${target}`);
  const destination = { address: dest?.host ?? '', port: dest?.port ?? 5060 };
  const cr = endpoint.request(invite, { destination, onResponse: () => {} });
  const { response, timedOut } = await cr.final;
  if (timedOut || response.status >= 300) {
    rtp.close();
    return { status: timedOut ? 408 : response.status };
  }
  const remote = parseRemoteMedia(response.body);
  if (!remote) {
    rtp.close();
    return { status: 488 };
  }
  rtp.remote = { ip: remote.ip, port: remote.port };
  const recordRoute = response.headers.getAll('Record-Route');
  const routeSet = [...recordRoute].reverse();
  const toWithTag = response.headers.get('To') ?? toHeader;
  const remoteTarget = contactUriOf(response) ?? `sip:${target}`;
  const recvVia = response.headers.get('Via') ?? '';
  const chan: Channel = {
    uuid,
    direction: 'outbound',
    app: 'bridge',
    dialog: {
      callId,
      localHeader: fromHeader,
      remoteHeader: toWithTag,
      remoteTarget,
      routeSet,
      localCseq: cseq,
      contact: `<sip:${parseSipUri(remoteTarget)?.user ?? ''}@${node.sipIp}:${node.sipPort}>`,
    },
    rtp,
    doc: { coreUuid: '', switchname: '', channelData: [], variables: [], tail: '' },
    state: 'answered',
    recovered: false,
    tracked: false,
    createdEpochS: Math.floor(Date.now() / 1000),
    callerName: aleg.callerName,
    callerNumber: aleg.callerNumber,
    destination: parseSipUri(`sip:${target}`)?.user ?? target,
    networkAddr: destination.address,
  };
  ack(chan, cseq);
  const facts: OutboundLegFacts = {
    direction: 'outbound',
    uuid,
    sessionId: ++ctx.sessionCount,
    requestUri: target,
    fullFrom: fromHeader,
    fullTo: toWithTag,
    callId,
    cseq,
    recoverVia: recvVia,
    contact: response.headers.get('Contact') ?? `<${remoteTarget}>`,
    recordRoute: routeSet,
    maxForwards,
    networkIp: destination.address,
    networkPort: destination.port,
    media: legMedia(rtp, remote, localSdp, storedRemoteSdp(response.body)),
    originatorUuid: aleg.uuid,
    originatorChannel: `sofia/${node.profile}/${aleg.callerNumber}@${aleg.networkAddr}`,
    callerIdName: aleg.callerName,
    callerIdNumber: aleg.callerNumber,
    originatorDestination: aleg.destination,
    createdUs: nowUs(),
    answeredUs: nowUs(),
  };
  if (fsPath) facts.fsPath = fsPath;
  chan.doc = legCdr(node, facts, cdrTail(node, facts, randomUUID()));
  ctx.channels.add(chan);
  ctx.publish({
    name: 'CHANNEL_ANSWER',
    headers: { 'Unique-ID': uuid, 'Call-Direction': 'outbound' },
  });
  ctx.rows.track(chan);
  return { channel: chan, remoteSdp: storedRemoteSdp(response.body) };
}
