// Check: no call leg is live on two nodes at once (a steal by a second recover leaves a zombie on the first).
import { EventKind } from '../common/event-kinds.js';
import { callEndMs, callTimelines } from './call-timelines.js';
import { type CallVerdict, type Check, mergeValidity, timeLabel } from './check.js';
import { fields } from './fields.js';
import { deadNodesAt, runTimeline } from './run-timeline.js';

/**
 * single-owner: judged on each node's last node.channels snapshot after the first fault. Recovery rows only say
 * where a leg will be recovered next; the live channels say who holds it now. A node that lost its calls to a
 * recover elsewhere (keepalived failback, a VRRP split) keeps them live as zombies: the same uuid on two nodes.
 */
export const singleOwner: Check = (history, ctx) => {
  const name = 'single-owner';
  const tl = runTimeline(history);
  const after = tl.firstFaultMs ?? -Infinity;
  const latest = new Map<string, (typeof history)[number]>();
  for (const e of history) {
    const node = fields.str(e.value, 'node');
    if (e.kind === EventKind.nodeChannels && node !== undefined && e.timeMs >= after) latest.set(node, e);
  }
  if (latest.size === 0)
    return { name, valid: 'unknown', details: 'no node.channels snapshot after the first fault' };
  const at = timeLabel(history);
  const snapMs = Math.max(...[...latest.values()].map((s) => s.timeMs));
  const dead = deadNodesAt(tl, snapMs, ctx.deadNodes);
  // a dead node holds nothing; a live node we could not ask leaves the question open
  const unread = [...latest.entries()].filter(([n, s]) => s.type === 'fail' && !dead.has(n)).map(([n]) => n);
  const holders = new Map<string, string[]>(); // leg uuid → nodes holding it live
  for (const [node, s] of latest) {
    if (s.type === 'fail' || dead.has(node)) continue;
    for (const u of fields.arr(s.value, 'uuids'))
      if (typeof u === 'string') holders.set(u, [...(holders.get(u) ?? []), node]);
  }
  for (const nodes of holders.values()) nodes.sort();
  const twice = [...holders.entries()].filter(([, nodes]) => nodes.length > 1);

  // leg uuid → call, through the recovery rows (they carry the leg's SIP Call-ID)
  const legOf = new Map<string, string>();
  for (const e of history)
    if (e.kind === EventKind.recoveryRows)
      for (const r of fields.arr(e.value, 'rows')) {
        const uuid = fields.str(r, 'uuid');
        const callId = fields.str(r, 'callId');
        if (uuid && callId) legOf.set(uuid, callId);
      }
  const calls = callTimelines(history).filter(
    (t) => t.answeredMs !== undefined && t.answeredMs < snapMs && (callEndMs(t) ?? Infinity) > snapMs,
  );
  const callOf = new Map<string, string>();
  for (const t of calls)
    for (const id of [t.callId, t.sipCallId, ...t.legCallIds]) if (id) callOf.set(id, t.callId);
  const uuidsOf = (callId: string) =>
    [...holders.keys()].filter((u) => callOf.get(legOf.get(u) ?? '') === callId);

  const perCall: CallVerdict[] = calls.map((t) => {
    const mine = uuidsOf(t.callId);
    if (mine.length === 0)
      return { callId: t.callId, valid: 'unknown', message: 'no live leg of it could be attributed' };
    const doubled = mine.filter((u) => (holders.get(u) ?? []).length > 1);
    if (doubled.length)
      return {
        callId: t.callId,
        valid: false,
        message: doubled
          .map((u) => `leg ${legOf.get(u)} live on ${holders.get(u)?.join(' and ')}`)
          .join('; '),
      };
    const nodes = [...new Set(mine.flatMap((u) => holders.get(u) ?? []))];
    return {
      callId: t.callId,
      valid: true,
      message: `${mine.length} leg(s) live on ${nodes.join(', ')} only`,
    };
  });
  const unattributed = twice.filter(([u]) => !callOf.has(legOf.get(u) ?? ''));
  const valid = mergeValidity(
    ...perCall.map((c) => c.valid),
    twice.length === 0,
    unread.length ? 'unknown' : true,
  );
  const details =
    (twice.length
      ? `${twice.length} leg(s) live on two nodes at ${at(snapMs)} (zombies of a steal)`
      : `every live leg on one node only at ${at(snapMs)}`) +
    (unattributed.length
      ? `; not attributable to a call: ${unattributed
          .slice(0, 5)
          .map(([u, n]) => `${u} on ${n.join(' and ')}`)
          .join(', ')}`
      : '') +
    (unread.length ? `; channels of ${unread.join(', ')} could not be read` : '') +
    (dead.size ? `; dead: ${[...dead].join(', ')}` : '');
  return { name, valid, details, perCall, data: { twice: twice.map(([uuid, nodes]) => ({ uuid, nodes })) } };
};
