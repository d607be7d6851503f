// A live leg inside fs-sim: its dialog (as FreeSWITCH's side sees it), media port and recovery row.
import { makeRequest, type SipRequest } from '../../src/sip/sip-message.js';
import type { Address } from '../../src/sip/transport.js';
import type { CdrDocument } from './cdr-xml.js';
import { SOFIA_HEADERS, sofiaToken } from './fs-sip.js';
import { localVia, uriAddress } from './recovery-reinvite.js';
import type { RtpPort } from './rtp-port.js';

/** The dialog state FreeSWITCH keeps per leg, from its own side. */
export interface LegDialog {
  callId: string;
  /** Our From header for requests we send (with our tag). */
  localHeader: string;
  /** The peer's header (our To), with its tag. */
  remoteHeader: string;
  /** Where in-dialog requests go (the peer's Contact URI). */
  remoteTarget: string;
  /** Route set for our requests, in order. */
  routeSet: string[];
  localCseq: number;
  /** Our Contact for requests. */
  contact: string;
  /** A Via to use verbatim (a recovered outbound leg reuses its stored Via, branch and all). */
  fixedVia?: string;
}

/** What a leg does with media. */
export type ChannelApp = 'echo' | 'bridge' | 'conference' | 'tone';

/** One leg. */
export interface Channel {
  uuid: string;
  direction: 'inbound' | 'outbound';
  app: ChannelApp;
  dialog: LegDialog;
  rtp?: RtpPort;
  partner?: Channel;
  /** The current CDR (what the row holds once written). */
  doc: CdrDocument;
  state: 'answered' | 'recovering' | 'hungup';
  /** Conference this leg is a member of (conference_name). */
  conference?: string;
  /** The peer ACKed our 2xx (inbound legs). */
  acked?: boolean;
  recovered: boolean;
  /** True once an INSERT for this leg was queued (later changes are UPDATEs). */
  tracked: boolean;
  createdEpochS: number;
  callerName: string;
  callerNumber: string;
  destination: string;
  /** Source address of the peer's last request or response. */
  networkAddr: string;
}

/** Sends a request to the first Route if any (loose routing), else to the target. */
export function requestDestination(uri: string, routeSet: readonly string[]): Address | undefined {
  return uriAddress(routeSet[0] ?? uri);
}

/** Builds an in-dialog request FreeSWITCH sends on a leg (BYE, ACK, re-INVITE), CSeq advanced except for ACK. */
export function inDialogRequest(
  d: LegDialog,
  method: string,
  sip: { ip: string; port: number },
  opts: { body?: string; cseq?: number } = {},
): { request: SipRequest; destination: Address | undefined } {
  const cseq = opts.cseq ?? ++d.localCseq;
  const via =
    method !== 'ACK' && d.fixedVia
      ? d.fixedVia
      : localVia(
          { sipIp: sip.ip, sipPort: sip.port, hostIp: sip.ip, userAgent: '' },
          `z9hG4bK${sofiaToken()}`,
        );
  const headers: Array<[string, string]> = [['Via', via]];
  for (const r of d.routeSet) headers.push(['Route', r]);
  headers.push(
    ['Max-Forwards', '70'],
    ['From', d.localHeader],
    ['To', d.remoteHeader],
    ['Call-ID', d.callId],
    ['CSeq', `${cseq} ${method}`],
  );
  if (method !== 'BYE') headers.push(['Contact', d.contact]);
  if (method !== 'ACK') headers.push(...SOFIA_HEADERS);
  if (opts.body) headers.push(['Content-Type', 'application/sdp']);
  const request = makeRequest(method, d.remoteTarget, headers, opts.body ?? '');
  return { request, destination: requestDestination(d.remoteTarget, d.routeSet) };
}
