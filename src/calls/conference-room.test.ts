import { describe, expect, it } from 'vitest';
import {
  CONFERENCE_ROOM_COUNT,
  conferenceRoomUser,
  conferenceRoomUsers,
  ringNeighbourKey,
} from './conference-room.js';

describe('conference rooms', () => {
  it('names rooms the dialplan routes, one extension each', () => {
    expect(conferenceRoomUser(1)).toBe('conference-1');
    const users = conferenceRoomUsers();
    expect(users).toHaveLength(CONFERENCE_ROOM_COUNT);
    expect(new Set(users).size).toBe(CONFERENCE_ROOM_COUNT);
    expect(users.every((u) => /^[0-9A-Za-z_-]{1,32}$/.test(u))).toBe(true);
  });

  it('refuses a room the dialplan does not have', () => {
    expect(() => conferenceRoomUser(0)).toThrow(/outside 1\.\.64/);
    expect(() => conferenceRoomUser(CONFERENCE_ROOM_COUNT + 1)).toThrow(/outside/);
  });

  it('makes every member listen for the next one, so each sender has exactly one listener', () => {
    const keys = [11, 12, 13, 14];
    const hears = keys.map((_, i) => ringNeighbourKey(keys, i));
    expect(hears).toEqual([12, 13, 14, 11]);
    expect(new Set(hears).size).toBe(keys.length);
    expect(hears.every((k, i) => k !== keys[i])).toBe(true);
  });

  it('pairs a two-member room with each other and refuses a lone member', () => {
    expect([0, 1].map((i) => ringNeighbourKey([5, 6], i))).toEqual([6, 5]);
    expect(() => ringNeighbourKey([5], 0)).toThrow(/at least 2/);
  });
});
