// `zerodrop calls`: recoverable calls per node, grouped into migration units.
import type { RecoveryRowError } from '../common/errors.js';
import type { LegCache } from './leg-cache.js';
import { groupMigrationUnits, type MigrationUnit } from './migration-unit.js';
import type { NodeState } from './node-host.js';
import { parseRecoveryRows } from './parse-recovery-row.js';
import type { RecoveryStore } from './recovery-store.js';

/** The recoverable calls of one node. */
export interface NodeCalls {
  node: string;
  state: NodeState;
  /** Number of recovery rows (legs), malformed ones included. */
  rows: number;
  units: MigrationUnit[];
  /** Rows that cannot be parsed; they are never moved. */
  malformed: RecoveryRowError[];
}

/** Lists the recovery rows of one node (or of every node) as migration units. */
export async function listCalls(
  store: RecoveryStore,
  node?: string,
  legCache?: LegCache,
): Promise<NodeCalls[]> {
  const hosts = await store.listHosts();
  const chosen = node === undefined ? hosts : [await store.host(node)];
  const out: NodeCalls[] = [];
  for (const h of chosen) {
    const rows = await store.listRows(h.node);
    const { legs, errors } = legCache ? legCache.parse(rows) : parseRecoveryRows(rows);
    out.push({
      node: h.node,
      state: h.state,
      rows: rows.length,
      units: groupMigrationUnits(legs),
      malformed: errors,
    });
  }
  return out;
}
