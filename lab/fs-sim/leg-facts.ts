// What fs-sim knows about one answered SIP leg: the facts FreeSWITCH turns into channel variables.

/** Node-wide identity written into every row. */
export interface NodeIdentity {
  /** Core UUID of this process (new at every start). */
  coreUuid: string;
  /** switchname (the recovery row's hostname). */
  switchname: string;
  /** sofia profile name. */
  profile: string;
  /** The profile's SIP address. */
  sipIp: string;
  sipPort: number;
}

/** Dialplan application the A-leg runs. */
export type LegApp = 'echo' | 'bridge' | 'conference' | 'tone';

/** The media side of a leg. */
export interface LegMedia {
  localIp: string;
  localPort: number;
  remoteIp: string;
  remotePort: number;
  /** Our SDP (offer or answer) as sent. */
  localSdp: string;
  /** The peer's SDP as received. */
  remoteSdp: string;
  ssrc: number;
}

/** An inbound (A) leg: FreeSWITCH answered an INVITE. */
export interface InboundLegFacts {
  direction: 'inbound';
  uuid: string;
  sessionId: number;
  /** Full From header of the INVITE (caller's tag). */
  fullFrom: string;
  /** Full To header as answered (with our tag). */
  fullTo: string;
  callId: string;
  cseq: number;
  /** Top Via of the INVITE as received. */
  fullVia: string;
  requestUri: string;
  contact: string;
  /** Record-Route values of the INVITE, in order. */
  recordRoute: string[];
  maxForwards: number;
  subject?: string;
  /** Source address of the INVITE (the proxy, or the UA). */
  networkIp: string;
  networkPort: number;
  media: LegMedia;
  app: LegApp;
  /** Dialplan target of a bridge (e.g. "uas@host:port;fs_path=sip:proxy"). */
  appData: string;
  destinationNumber: string;
  /** Conference membership (app conference): mod_conference's variables. */
  conference?: { name: string; uuid: string; memberId: number };
  /** The bridged B-leg, if any. */
  partnerUuid?: string;
  partnerChannel?: string;
  /** The B-leg's remote SDP (FreeSWITCH copies it into the A-leg as switch_m_sdp). */
  partnerRemoteSdp?: string;
  createdUs: number;
  answeredUs: number;
}

/** An outbound (B) leg: FreeSWITCH sent an INVITE and got 200. */
export interface OutboundLegFacts {
  direction: 'outbound';
  uuid: string;
  sessionId: number;
  /** Request-URI without "sip:" (e.g. "uas@127.0.0.1:5080"). */
  requestUri: string;
  /** fs_path proxy URI, if the INVITE was sent through one. */
  fsPath?: string;
  fullFrom: string;
  fullTo: string;
  callId: string;
  cseq: number;
  /** Our INVITE's Via as echoed in the 200 OK (received/rport added by a proxy). */
  recoverVia: string;
  /** Contact of the 200 OK. */
  contact: string;
  /** Record-Route values of the 200 OK, in order. */
  recordRoute: string[];
  maxForwards: number;
  /** Source of the 200 OK. */
  networkIp: string;
  networkPort: number;
  media: LegMedia;
  originatorUuid: string;
  originatorChannel: string;
  /** The A-leg's caller id (caller_profile). */
  callerIdName: string;
  callerIdNumber: string;
  originatorDestination: string;
  createdUs: number;
  answeredUs: number;
}

export type LegFacts = InboundLegFacts | OutboundLegFacts;
