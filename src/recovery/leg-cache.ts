// Parsed legs remembered by (uuid, row version), so a controller can parse rows while nodes are healthy
// and pay only for new or changed rows when it has to move them.
import { RecoveryRowError } from '../common/errors.js';
import { type ParsedRows, parseRecoveryRow } from './parse-recovery-row.js';
import type { RecoveryLeg } from './recovery-leg.js';
import type { RecoveryRow } from './recovery-row.js';

/** A parse memo; rows without a version (not read from the database) are always parsed afresh. */
export class LegCache {
  private readonly entries = new Map<string, { version: string; leg: RecoveryLeg | RecoveryRowError }>();

  /** Parses rows like parseRecoveryRows, reusing earlier results for unchanged rows. */
  parse(rows: readonly RecoveryRow[]): ParsedRows {
    const legs: RecoveryLeg[] = [];
    const errors: RecoveryRowError[] = [];
    for (const row of rows) {
      const hit = row.version !== undefined ? this.entries.get(row.uuid) : undefined;
      let result = hit && hit.version === row.version ? hit.leg : undefined;
      if (result === undefined) {
        try {
          result = parseRecoveryRow(row);
        } catch (e) {
          result =
            e instanceof RecoveryRowError ? e : new RecoveryRowError(row.uuid, String(e), { cause: e });
        }
        if (row.version !== undefined) this.entries.set(row.uuid, { version: row.version, leg: result });
      }
      if (result instanceof RecoveryRowError) errors.push(result);
      else legs.push(result);
    }
    return { legs, errors };
  }

  /** Forgets rows that are gone (call after reading every node), keeping the memo bounded. */
  retain(uuids: Iterable<string>): void {
    const keep = new Set(uuids);
    for (const uuid of this.entries.keys()) if (!keep.has(uuid)) this.entries.delete(uuid);
  }

  get size(): number {
    return this.entries.size;
  }
}
