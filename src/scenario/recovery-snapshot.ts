// A snapshot of every node's recovery rows into the history, for the recovery-rows check.
import { errorMessage } from '../common/errors.js';
import { EventKind } from '../common/event-kinds.js';
import { parseRecoveryRows } from '../recovery/parse-recovery-row.js';
import type { RunContext } from './run-context.js';

/** Records `recovery.rows` per FreeSWITCH node: uuid, SIP Call-ID and runtime of each row. */
export async function snapshotRecoveryRows(ctx: RunContext): Promise<void> {
  for (const h of ctx.lab.freeswitch) {
    try {
      const rows = await ctx.store.listRows(h.name);
      const { legs, errors } = parseRecoveryRows(rows);
      ctx.history.record('runner', 'info', EventKind.recoveryRows, {
        node: h.name,
        rows: legs.map((l) => ({ uuid: l.uuid, callId: l.callId, runtimeUuid: l.runtimeUuid })),
        malformed: errors.map((e) => ({ uuid: e.uuid, problem: e.problem })),
      });
    } catch (e) {
      ctx.history.record('runner', 'fail', EventKind.recoveryRows, { node: h.name, error: errorMessage(e) });
    }
  }
}
