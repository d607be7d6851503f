// Check: calls placed while the failover runs are answered, and by a live node.
import { callTimelines } from './call-timelines.js';
import { type CallVerdict, type Check, countVerdicts, mergeValidity, nodeName, timeLabel } from './check.js';
import { labHostsByAddress } from './lab-hosts.js';
import { deadNodesAt, runTimeline } from './run-timeline.js';

/** new-calls-succeed: every call invited between the first fault and the end of recovery is answered on a live node. */
export const newCallsSucceed: Check = (history, ctx) => {
  const name = 'new-calls-succeed';
  const tl = runTimeline(history);
  const byAddress = { ...labHostsByAddress(history), ...ctx.nodeByAddress };
  if (tl.firstFaultMs === undefined)
    return { name, valid: 'unknown', details: 'no fault in the history, so no failover window' };
  const from = tl.firstFaultMs;
  const to = tl.recoveryEndMs ?? tl.endMs;
  const calls = callTimelines(history).filter(
    (t) => t.inviteMs !== undefined && t.inviteMs >= from && t.inviteMs <= to,
  );
  const at = timeLabel(history);
  const window = `${at(from)} … ${at(to)}${tl.recoveryEndMs === undefined ? ' (recovery never ended)' : ''}`;
  if (calls.length === 0)
    return { name, valid: 'unknown', details: `no call was placed during the failover window ${window}` };
  const perCall: CallVerdict[] = calls.map((t) => {
    if (t.answeredMs !== undefined) {
      const dead = deadNodesAt(tl, t.answeredMs, ctx.deadNodes);
      const node = nodeName(t.node, byAddress);
      if (node !== undefined && dead.has(node)) {
        return { callId: t.callId, valid: false, message: `answered by ${node}, a node that was down` };
      }
      const took = Math.round(t.answeredMs - (t.inviteMs ?? 0));
      return { callId: t.callId, valid: true, message: `answered in ${took} ms${node ? ` by ${node}` : ''}` };
    }
    if (t.failed) {
      return {
        callId: t.callId,
        valid: false,
        message: `failed: ${t.failed.status ?? '?'} ${t.failed.reason ?? ''}`.trim(),
      };
    }
    return { callId: t.callId, valid: 'unknown', message: 'no answer and no failure recorded' };
  });
  const n = countVerdicts(perCall);
  return {
    name,
    valid: mergeValidity(...perCall.map((c) => c.valid)),
    details:
      `${n.ok} of ${calls.length} calls placed during the failover (${window}) were answered on a live node` +
      (n.bad ? `; ${n.bad} failed` : '') +
      (n.unknown ? `; ${n.unknown} without outcome` : ''),
    perCall,
  };
};
