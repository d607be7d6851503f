// Check: after recovery every live call's legs sit exactly once on one live node, every conference room's members
// on one node too; no row orphaned or lost.
import { EventKind } from '../common/event-kinds.js';
import { type CallTimeline, callEndMs, callTimelines, expectedLegs } from './call-timelines.js';
import { type CallVerdict, type Check, mergeValidity, timeLabel } from './check.js';
import { fields } from './fields.js';
import { deadNodesAt, runTimeline } from './run-timeline.js';

interface Row {
  node: string;
  uuid: string;
  callId: string;
}

/** recovery-rows: judged on each node's last recovery.rows snapshot taken after the first fault. */
export const recoveryRows: Check = (history, ctx) => {
  const name = 'recovery-rows';
  const tl = runTimeline(history);
  const snapshots = history.filter((e) => e.kind === EventKind.recoveryRows);
  if (snapshots.length === 0)
    return { name, valid: 'unknown', details: 'no recovery.rows snapshot in the history' };
  // the runner snapshots when it believes recovery is over; judge each node's last snapshot after the fault
  const after = tl.firstFaultMs ?? -Infinity;
  const latest = new Map<string, (typeof snapshots)[number]>();
  for (const s of snapshots) {
    const node = fields.str(s.value, 'node');
    if (node !== undefined && s.timeMs >= after) latest.set(node, s);
  }
  const at = timeLabel(history);
  if (latest.size === 0) {
    return {
      name,
      valid: 'unknown',
      details: `no recovery.rows snapshot after the first fault (${at(after)})`,
    };
  }
  const recovered = tl.recoveredMs;
  if (recovered !== undefined && [...latest.values()].every((s) => s.timeMs < recovered)) {
    return {
      name,
      valid: 'unknown',
      details: `every recovery.rows snapshot was taken before the controller finished recovering (${at(recovered)})`,
    };
  }
  const unread = [...latest.entries()].filter(([, s]) => s.type === 'fail');
  if (unread.length) {
    const why = unread
      .map(([n, s]) => `${n} (${fields.str(s.value, 'error') ?? 'no reason given'})`)
      .join(', ');
    return { name, valid: 'unknown', details: `recovery rows could not be read after recovery on ${why}` };
  }
  const malformed = [...latest.entries()].flatMap(([node, s]) =>
    fields.arr(s.value, 'malformed').map((m) => `${fields.str(m, 'uuid') ?? '?'} on ${node}`),
  );
  const snapTimes = [...latest.values()].map((s) => s.timeMs);
  const firstSnap = Math.min(...snapTimes);
  const lastSnap = Math.max(...snapTimes);
  const dead = deadNodesAt(tl, lastSnap, ctx.deadNodes);
  const rows: Row[] = [...latest.entries()].flatMap(([node, s]) =>
    fields
      .arr(s.value, 'rows')
      .map((r) => ({ node, uuid: fields.str(r, 'uuid') ?? '?', callId: fields.str(r, 'callId') ?? '?' })),
  );

  const calls = callTimelines(history).filter((t) => t.answeredMs !== undefined && t.answeredMs < firstSnap);
  const up = calls.filter((t) => (callEndMs(t) ?? Infinity) > lastSnap);
  const endedBetween = new Set(
    calls.filter((t) => !up.includes(t) && (callEndMs(t) ?? 0) >= firstSnap).map((t) => t.callId),
  );
  const owner = new Map<string, string>(); // leg Call-ID or call id → call
  for (const t of calls)
    for (const id of [t.callId, t.sipCallId, ...t.legCallIds]) if (id) owner.set(id, t.callId);

  const perCall: CallVerdict[] = up.map((t): CallVerdict => {
    const legs = expectedLegs(t);
    const mine = rows.filter((r) => owner.get(r.callId) === t.callId);
    const problems: string[] = [];
    for (const r of mine.filter((r) => dead.has(r.node)))
      problems.push(`leg ${r.callId} still on dead node ${r.node}`);
    for (const leg of legs) {
      const at = mine.filter((r) => r.callId === leg && !dead.has(r.node)).map((r) => r.node);
      if (at.length === 0 && !mine.some((r) => r.callId === leg))
        problems.push(`leg ${leg} lost (no row anywhere)`);
      else if (new Set(at).size > 1) problems.push(`leg ${leg} owned by ${[...new Set(at)].join(' and ')}`);
      else if (at.length > 1) problems.push(`leg ${leg} has ${at.length} rows on ${at[0]}`);
    }
    const nodes = [...new Set(mine.filter((r) => !dead.has(r.node)).map((r) => r.node))];
    if (nodes.length > 1 && problems.length === 0) problems.push(`legs split across ${nodes.join(' and ')}`);
    return problems.length
      ? { callId: t.callId, valid: false, message: problems.join('; ') }
      : {
          callId: t.callId,
          valid: true,
          message: `${legs.length} leg(s) on ${nodes.join(', ')}`,
          data: { node: nodes[0] },
        };
  });

  splitRooms(up, perCall);
  const upIds = new Set(up.map((t) => t.callId));
  const orphans = rows.filter((r) => {
    const call = owner.get(r.callId);
    return call === undefined ? true : !upIds.has(call) && !endedBetween.has(call);
  });
  // a row that cannot be parsed cannot be attributed: it may be a lost leg or an orphan
  const valid = mergeValidity(
    ...perCall.map((c) => c.valid),
    orphans.length === 0,
    malformed.length ? 'unknown' : true,
    // with no call up at the snapshot, a lost leg cannot show: only orphans were checked
    up.length === 0 ? 'unknown' : true,
  );
  const bad = perCall.filter((c) => c.valid === false).length;
  const details =
    (up.length === 0
      ? 'no call was up when the rows were snapshotted (taken after the hangup?), so lost legs cannot show'
      : `${up.length - bad} of ${up.length} live calls have each leg on exactly one live node`) +
    (orphans.length
      ? `; ${orphans.length} orphaned row(s): ${orphans
          .slice(0, 5)
          .map((r) => `${r.uuid} (${r.callId}) on ${r.node}`)
          .join(', ')}`
      : '; no orphaned rows') +
    (malformed.length ? `; ${malformed.length} malformed row(s): ${malformed.slice(0, 5).join(', ')}` : '') +
    (dead.size ? `; dead: ${[...dead].join(', ')}` : '');
  return {
    name,
    valid,
    details,
    perCall,
    data: { snapshotNodes: [...latest.keys()], deadNodes: [...dead], orphans },
  };
};

/**
 * A conference room is one unit: members sitting (each validly) on different nodes were split, and each node now
 * runs a room of its own. Marks every member of such a room invalid, in place.
 */
function splitRooms(up: readonly CallTimeline[], perCall: CallVerdict[]): void {
  const nodeOf = (i: number) => {
    const d = perCall[i]?.data as { node?: unknown } | undefined;
    return perCall[i]?.valid === true && typeof d?.node === 'string' ? d.node : undefined;
  };
  const rooms = new Map<string, number[]>();
  up.forEach((t, i) => {
    if (t.room !== undefined) rooms.set(t.room, [...(rooms.get(t.room) ?? []), i]);
  });
  for (const [room, members] of rooms) {
    const nodes = [...new Set(members.map(nodeOf).filter((n): n is string => n !== undefined))].sort();
    if (nodes.length < 2) continue;
    for (const i of members) {
      const v = perCall[i];
      if (v?.valid !== true) continue;
      perCall[i] = {
        ...v,
        valid: false,
        message: `conference room ${room} split across ${nodes.join(' and ')} (this member on ${nodeOf(i)})`,
      };
    }
  }
}
