// Check: no answered call is ended by the network (BYE) or loses a re-INVITE before the scenario hangs it up.
import { callTimelines } from './call-timelines.js';
import { type CallVerdict, type Check, countVerdicts, mergeValidity, timeLabel } from './check.js';

/** no-drop: every answered call stays up until the scenario ends it. */
export const noDrop: Check = (history) => {
  const name = 'no-drop';
  const at = timeLabel(history);
  const calls = callTimelines(history).filter((t) => t.answeredMs !== undefined);
  if (calls.length === 0) return { name, valid: 'unknown', details: 'no call was answered' };
  const perCall: CallVerdict[] = calls.map((t) => {
    const before = (x: number) => t.hangupMs === undefined || x < t.hangupMs;
    const problems: string[] = [];
    for (const b of t.byes) {
      if (b.by === 'remote' && before(b.timeMs)) {
        problems.push(
          `BYE from the network${b.source ? ` (${b.source})` : ''} to the ${b.side ?? '?'} at ${at(b.timeMs)}`,
        );
      }
    }
    for (const a of t.reinviteAnswers) {
      if (!a.ok && before(a.timeMs)) {
        problems.push(
          `re-INVITE to the ${a.side ?? '?'} failed${a.status ? ` (${a.status})` : ''} at ${at(a.timeMs)}`,
        );
      }
    }
    if (t.failed && t.answeredMs !== undefined && t.failed.timeMs > t.answeredMs && before(t.failed.timeMs)) {
      problems.push(
        `call failed after the answer (${t.failed.status ?? '?'} ${t.failed.reason ?? ''})`.trim(),
      );
    }
    if (problems.length) return { callId: t.callId, valid: false, message: problems.join('; ') };
    const unanswered = t.reinvites.length - t.reinviteAnswers.length;
    if (unanswered > 0 && t.hangupMs === undefined) {
      return {
        callId: t.callId,
        valid: 'unknown',
        message: `${unanswered} re-INVITE(s) without a recorded answer`,
      };
    }
    const how =
      t.hangupMs === undefined ? 'still up at the end of the history' : `up until the scenario hung it up`;
    return { callId: t.callId, valid: true, message: `no BYE, no failed re-INVITE; ${how}` };
  });
  const n = countVerdicts(perCall);
  return {
    name,
    valid: mergeValidity(...perCall.map((c) => c.valid)),
    details:
      `${n.ok} of ${calls.length} answered calls kept up` +
      (n.bad ? `; ${n.bad} dropped by the network` : '') +
      (n.unknown ? `; ${n.unknown} undecidable` : ''),
    perCall,
  };
};
