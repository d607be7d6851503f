// A snapshot of every node's recovery rows and live channels into the history, for recovery-rows and single-owner.
import { errorMessage } from '../common/errors.js';
import { EventKind } from '../common/event-kinds.js';
import { parseRecoveryRows } from '../recovery/parse-recovery-row.js';
import { withEsl } from './node-control.js';
import type { RunContext } from './run-context.js';

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

/** The channel uuids in `show calls` output (each leg's uuid, and a bridged B-leg's b_uuid). */
export function showCallsUuids(text: string): string[] {
  return [...new Set((text.match(UUID) ?? []).map((u) => u.toLowerCase()))];
}

/** Records `recovery.rows` (uuid, SIP Call-ID and runtime of each row) and `node.channels` per FreeSWITCH node. */
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
  await Promise.all(ctx.lab.freeswitch.map((h) => snapshotChannels(ctx, h.name)));
}

/** The leg uuids a node holds live: a zombie left by a steal shows here, not in the recovery table. */
async function snapshotChannels(ctx: RunContext, node: string): Promise<void> {
  const esl = ctx.esl.get(node);
  if (!esl) return;
  // a stopped container holds no channel, and its address would only time out
  const state = await ctx.lab
    .host(node)
    .state()
    .catch(() => undefined);
  if (state && state.status !== 'running') {
    ctx.history.record('runner', 'fail', EventKind.nodeChannels, {
      node,
      error: `container ${state.status}`,
    });
    return;
  }
  const r = await withEsl(esl, 5_000, (c) => c.api('show calls', { timeoutMs: 5_000 }));
  if (r.ok && r.value !== undefined)
    ctx.history.record('runner', 'info', EventKind.nodeChannels, { node, uuids: showCallsUuids(r.value) });
  else ctx.history.record('runner', 'fail', EventKind.nodeChannels, { node, error: r.error ?? 'no reply' });
}
