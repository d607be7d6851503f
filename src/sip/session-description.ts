// SDP for the harness's calls (RFC 4566, offer/answer RFC 3264): one PCMU audio stream, read and written with sdp-transform.
import { parse, write } from 'sdp-transform';

/** Where a side receives RTP. */
export interface MediaAddress {
  ip: string;
  port: number;
}

/** What we put in an offer or answer. */
export interface LocalSdpOptions extends MediaAddress {
  /** o= session id; stays for the call. */
  sessionId: number;
  /** o= version; must grow with every new SDP of the call (RFC 3264 8). */
  version: number;
  /** o= username, default 'zerodrop'. */
  user?: string;
  /** a= direction, default sendrecv (an answer to a hold offer says recvonly or inactive, RFC 3264 6.1). */
  direction?: SdpDirection;
}

export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** The direction an answer must carry for an offer's direction (RFC 3264 6.1). */
export function answerDirection(offer: SdpDirection): SdpDirection {
  if (offer === 'sendonly') return 'recvonly';
  if (offer === 'recvonly') return 'sendonly';
  return offer;
}

/** Builds an SDP: PCMU/8000 plus telephone-event, ptime 20, sendrecv. */
export function buildSdp(o: LocalSdpOptions): string {
  return write({
    version: 0,
    origin: {
      username: o.user ?? 'zerodrop',
      sessionId: o.sessionId,
      sessionVersion: o.version,
      netType: 'IN',
      ipVer: 4,
      address: o.ip,
    },
    name: 'zerodrop',
    connection: { version: 4, ip: o.ip },
    timing: { start: 0, stop: 0 },
    media: [
      {
        type: 'audio',
        port: o.port,
        protocol: 'RTP/AVP',
        payloads: '0 101',
        rtp: [
          { payload: 0, codec: 'PCMU', rate: 8000 },
          { payload: 101, codec: 'telephone-event', rate: 8000 },
        ],
        fmtp: [{ payload: 101, config: '0-15' }],
        ptime: 20,
        direction: o.direction ?? 'sendrecv',
      },
    ],
  });
}

/** What we need from a peer's SDP: where to send audio, and whether it is on hold. */
export interface RemoteMedia extends MediaAddress {
  /** False when the audio stream is disabled (port 0) or the peer holds (sendonly/inactive). */
  active: boolean;
  /** The o= session version, to tell a new offer from a repeated one. */
  version: number;
  direction: SdpDirection;
}

/** Reads the first audio stream of an SDP body; undefined when there is none or it does not parse. */
export function parseRemoteMedia(body: string): RemoteMedia | undefined {
  try {
    const sdp = parse(body);
    const audio = sdp.media.find((m) => m.type === 'audio');
    if (!audio) return undefined;
    const ip = audio.connection?.ip ?? sdp.connection?.ip;
    if (!ip) return undefined;
    const direction: SdpDirection = audio.direction ?? sdp.direction ?? 'sendrecv';
    const active =
      audio.port > 0 && ip !== '0.0.0.0' && (direction === 'sendrecv' || direction === 'recvonly');
    return { ip, port: audio.port, active, version: Number(sdp.origin?.sessionVersion ?? 0), direction };
  } catch {
    return undefined;
  }
}
