// Findings: whatever a peer sends that RFC 3261 would not, recorded instead of hidden or fatal.
import type { Address } from './transport.js';

/** The kinds of non-conformance the SIP layer notices. */
export const SipFindingKind = {
  /** A datagram that does not parse as SIP (counted, logged, dropped). */
  malformedDatagram: 'malformed-datagram',
  /** A new request reuses the branch of an earlier, different request (RFC 3261 8.1.1.7). */
  reusedBranch: 'reused-branch',
  /** A branch without the z9hG4bK cookie (RFC 2543 peer). */
  noMagicCookie: 'no-magic-cookie',
  /** The top Via names another host than the datagram came from (e.g. a recovered leg's stored Via). */
  viaNotSource: 'via-not-source',
  /** An in-dialog request with a CSeq not above the last one (RFC 3261 12.2.2); answered 500. */
  lowerCseq: 'lower-cseq',
  /** An in-dialog request (To tag set) for a dialog we do not have; answered 481. */
  unknownDialog: 'unknown-dialog',
  /** A re-INVITE without SDP (we offer in the 200, the ACK must answer). */
  sdpLessReinvite: 'sdp-less-reinvite',
  /** A 2xx to our offer carried no SDP answer. */
  noSdpAnswer: 'no-sdp-answer',
  /** The ACK to an offer-in-200 carried no SDP answer. */
  ackWithoutAnswer: 'ack-without-answer',
  /** From/To tags swapped relative to the dialog (our tag in From, theirs in To). */
  swappedTags: 'swapped-tags',
  /** A Route header naming ourselves reached us (a recovered leg's stored route set). */
  routeToSelf: 'route-to-self',
  /** An INVITE or its 2xx that cannot form a dialog (no Contact, no tags): rejected 400 / call failed. */
  noDialog: 'no-dialog',
  /** A 2xx retransmission never ACKed (RFC 3261 13.3.1.4, 64*T1). */
  noAck: 'no-ack',
} as const;
export type SipFindingKind = (typeof SipFindingKind)[keyof typeof SipFindingKind];

/** One finding, with enough context to find it in a trace. */
export interface SipFinding {
  finding: SipFindingKind;
  detail: string;
  callId?: string;
  source?: Address;
}

/** Receives findings; the call generator turns them into sip.finding events. */
export type FindingSink = (f: SipFinding) => void;
