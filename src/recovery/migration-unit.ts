// Migration units: the legs that must move together and be recovered by one recover on one node.
import type { RecoveryLeg } from './recovery-leg.js';

/** Why legs belong together: a bridge (both legs), a conference (all members), or a lone leg. */
export type UnitKind = 'bridge' | 'conference' | 'single';

/** A set of legs never to be split across nodes. */
export interface MigrationUnit {
  /** Stable id: 'unit:' + the smallest uuid of its legs. */
  id: string;
  kind: UnitKind;
  /** Legs sorted by uuid. */
  legs: readonly RecoveryLeg[];
  uuids: readonly string[];
  /** Bridge partners a leg names whose rows are not among the legs (not written, or malformed). */
  missingPartners: readonly string[];
}

/** Groups legs into migration units (union of bridge partners and conference members); deterministic. */
export function groupMigrationUnits(legs: readonly RecoveryLeg[]): MigrationUnit[] {
  const byUuid = new Map(legs.map((l) => [l.uuid, l]));
  const parent = new Map<string, string>();
  const find = (u: string): string => {
    let root = u;
    while (parent.get(root) !== root) root = parent.get(root)!;
    for (let x = u; x !== root; ) {
      const next = parent.get(x)!;
      parent.set(x, root);
      x = next;
    }
    return root;
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return;
    const [lo, hi] = ra < rb ? [ra, rb] : [rb, ra];
    parent.set(hi, lo); // the smaller uuid is the root: grouping does not depend on input order
  };
  for (const l of legs) parent.set(l.uuid, l.uuid);
  const conferences = new Map<string, string>();
  for (const l of legs) {
    if (l.partnerUuid !== undefined && byUuid.has(l.partnerUuid)) union(l.uuid, l.partnerUuid);
    // by conference and by room name: a member whose row predates conference_uuid has only the name
    for (const key of [`conference:${l.conference}`, `room:${l.conferenceRoom}`]) {
      if (key.endsWith(':undefined')) continue;
      const first = conferences.get(key);
      if (first === undefined) conferences.set(key, l.uuid);
      else union(first, l.uuid);
    }
  }
  const groups = new Map<string, RecoveryLeg[]>();
  for (const l of legs) {
    const root = find(l.uuid);
    const g = groups.get(root);
    if (g) g.push(l);
    else groups.set(root, [l]);
  }
  const units = [...groups.values()].map((g): MigrationUnit => {
    const sorted = g.sort((a, b) => (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
    const uuids = sorted.map((l) => l.uuid);
    const missing = sorted
      .map((l) => l.partnerUuid)
      .filter((p): p is string => p !== undefined && !byUuid.has(p));
    const kind: UnitKind = sorted.some((l) => l.conference !== undefined)
      ? 'conference'
      : sorted.length > 1 || missing.length > 0
        ? 'bridge'
        : 'single';
    return {
      id: `unit:${uuids[0]}`,
      kind,
      legs: sorted,
      uuids,
      missingPartners: [...new Set(missing)].sort(),
    };
  });
  return units.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
