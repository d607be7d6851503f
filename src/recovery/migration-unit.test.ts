import { describe, expect, it } from 'vitest';
import { fixtureRows } from '../../test/support/recovery-fixtures.js';
import { groupMigrationUnits } from './migration-unit.js';
import { parseRecoveryRows } from './parse-recovery-row.js';
import type { RecoveryLeg } from './recovery-leg.js';

const legs = parseRecoveryRows(fixtureRows('exp2-recovery-before-fs_a.tsv')).legs;

describe('groupMigrationUnits', () => {
  it('pairs both legs of each bridge and keeps echo calls alone (real rows)', () => {
    const units = groupMigrationUnits(legs);
    expect(units.map((u) => [u.kind, u.uuids.length])).toEqual(
      expect.arrayContaining([
        ['bridge', 2],
        ['bridge', 2],
        ['single', 1],
        ['single', 1],
      ]),
    );
    expect(units).toHaveLength(4);
    for (const u of units.filter((x) => x.kind === 'bridge')) {
      const [x, y] = u.legs as [RecoveryLeg, RecoveryLeg];
      expect(x.partnerUuid).toBe(y.uuid);
      expect(y.partnerUuid).toBe(x.uuid);
      expect(new Set(u.legs.map((l) => l.direction))).toEqual(new Set(['inbound', 'outbound']));
    }
  });

  it('does not depend on input order', () => {
    const a = groupMigrationUnits(legs);
    const b = groupMigrationUnits([...legs].reverse());
    expect(b.map((u) => u.uuids)).toEqual(a.map((u) => u.uuids));
    expect(b.map((u) => u.id)).toEqual(a.map((u) => u.id));
  });

  it('puts every member of a conference into one unit, with their bridge partners', () => {
    const [l0, l1, l2, l3] = legs as [RecoveryLeg, RecoveryLeg, RecoveryLeg, RecoveryLeg];
    const conf = [l0, l2, l3].map((l) => ({ ...l, conference: 'room-7' }));
    const units = groupMigrationUnits([...conf, l1, ...legs.slice(4)]);
    const room = units.find((u) => u.kind === 'conference')!;
    for (const l of conf) expect(room.uuids).toContain(l.uuid);
    // partners of conference members come along
    for (const l of conf) if (l.partnerUuid) expect(room.uuids).toContain(l.partnerUuid);
    expect(units.flatMap((u) => u.uuids).sort()).toEqual(legs.map((l) => l.uuid).sort());
  });

  it('keeps a room together whether its members’ rows name its uuid, its name, or both', () => {
    const echoes = legs.filter((l) => l.partnerUuid === undefined);
    expect(echoes.length).toBeGreaterThanOrEqual(2);
    const [a, b] = echoes as [RecoveryLeg, RecoveryLeg];
    const c = legs.find((l) => l.partnerUuid !== undefined)!;
    const members = [
      { ...a, conference: 'b1a1f3e0-room-uuid', conferenceRoom: 'room-7' },
      // written before FreeSWITCH set conference_uuid: only the room's name
      { ...b, conference: 'room-7', conferenceRoom: 'room-7' },
      // conference_uuid alone
      { ...c, partnerUuid: undefined, conference: 'b1a1f3e0-room-uuid' },
    ];
    const units = groupMigrationUnits(members);
    expect(units).toHaveLength(1);
    expect(units[0]!.kind).toBe('conference');
    // a room name equal to another room's uuid text is still another key
    const apart = groupMigrationUnits([
      { ...a, conference: 'x', conferenceRoom: 'y' },
      { ...b, conference: 'y' },
    ]);
    expect(apart).toHaveLength(2);
  });

  it('flags a bridge whose partner row is missing', () => {
    const aLeg = legs.find((l) => l.partnerUuid && l.direction === 'inbound')!;
    const [unit] = groupMigrationUnits([aLeg]);
    expect(unit).toMatchObject({ kind: 'bridge', uuids: [aLeg.uuid], missingPartners: [aLeg.partnerUuid] });
  });
});
