// Conference rooms of the call generator: the room names the lab dialplan routes, and whom each member listens for.
import { ZerodropError } from '../common/errors.js';

/** Rooms the lab dialplan has an extension for (conference-1 … conference-64). */
export const CONFERENCE_ROOM_COUNT = 64;

/** Request-URI user of room n (1-based); FreeSWITCH's extension joins `zd-conference-<n>@default`. */
export function conferenceRoomUser(room: number): string {
  if (!Number.isInteger(room) || room < 1 || room > CONFERENCE_ROOM_COUNT)
    throw new ZerodropError(
      `conference room ${room} is outside 1..${CONFERENCE_ROOM_COUNT} (the lab dialplan's rooms)`,
    );
  return `conference-${room}`;
}

/** Every room user, for the dialplan: one extension per room keeps rooms of different nodes apart after a move. */
export function conferenceRoomUsers(): string[] {
  return Array.from({ length: CONFERENCE_ROOM_COUNT }, (_, i) => conferenceRoomUser(i + 1));
}

/**
 * The call key member `index` of a room listens for: its ring neighbour, the next member.
 * A member hears the mix of all the others, but a receiving stream follows one sender's sequence; with a ring
 * every member's audio is followed by exactly one receiver and every member's receiving side is checked.
 */
export function ringNeighbourKey(memberKeys: readonly number[], index: number): number {
  if (memberKeys.length < 2) throw new ZerodropError('a conference room needs at least 2 members');
  const key = memberKeys[(index + 1) % memberKeys.length];
  if (key === undefined) throw new ZerodropError(`member ${index} is not in the room`);
  return key;
}
