// A recovery row read as a call leg: the facts migration needs, typed, URL-decoded, strings kept as strings.

/** Direction of the leg as FreeSWITCH sees it. */
export type LegDirection = 'inbound' | 'outbound';

/** One answered SIP leg, parsed from a recovery row. */
export interface RecoveryLeg {
  /** Channel uuid (the row's `uuid`, equal to the metadata's `uuid` variable). */
  uuid: string;
  direction: LegDirection;
  /** SIP Call-ID of the leg's dialog. */
  callId: string;
  fromTag: string;
  toTag: string;
  /** Uuid of the other leg of a bridge (signal_bond, bridge_to or originator), if any. */
  partnerUuid: string | undefined;
  /**
   * Conference the leg is a member of (conference_uuid, else conference_name, else the room its running
   * `conference` application names), if any.
   */
  conference: string | undefined;
  /**
   * Name of that conference's room (conference_name, else the application's), when known: members whose
   * rows were written before and after FreeSWITCH set conference_uuid share it, so units join them by both.
   */
  conferenceRoom?: string;
  /** Sofia profile (recovery_profile_name, else the row's profile_name). */
  profile: string;
  localMediaIp: string;
  advertisedMediaIp: string;
  localMediaPort: number;
  remoteMediaIp: string | undefined;
  remoteMediaPort: number | undefined;
  /** `<cdr switchname>`: the node that wrote the row. */
  switchname: string;
  /** The row's runtime_uuid: the FreeSWITCH process that wrote it. */
  runtimeUuid: string;
  /** Caller id number, exactly as stored (may have leading zeros or '+'). */
  callerIdNumber: string | undefined;
  destinationNumber: string | undefined;
  /** Every channel variable, URL-decoded; a repeated variable keeps its first value. */
  variables: ReadonlyMap<string, string>;
}
