// The shared vocabulary of history event kinds: calls, media, nemesis, controller, lab.

/** Every event kind the harness records; checkers and reports read these names. */
export const EventKind = {
  // calls (process = the call's id); the caller side is 'caller', the callee side 'callee'
  callInvite: 'call.invite', // invoke {target, from, to, callId}
  callAnswered: 'call.answered', // ok {callId, node?, answerMs, legCallIds?: SIP Call-IDs of every FreeSWITCH leg}
  callFailed: 'call.failed', // fail {status, reason}
  callReinvite: 'call.reinvite', // info {side, source, contact, sdp:{ip,port}, cseq, findings[]}
  callReinviteAnswered: 'call.reinvite.answered', // ok|fail {side, status}
  callBye: 'call.bye', // info {side, by:'remote'|'local', source}
  callHangup: 'call.hangup', // invoke|ok {side}
  sipFinding: 'sip.finding', // info {side, finding, detail}
  // media (process = the call's id); direction = the receiving side: 'to-caller' | 'to-callee'
  mediaStarted: 'media.started', // info {direction, source}
  // media.gap: startMs = last packet before the silence, endMs = first packet after (monotonic ms);
  // localStallMs = how long the harness itself stalled inside the gap (its own fault, not the lab's)
  mediaGap: 'media.gap', // info {direction, startMs, endMs, durationMs, lostPackets, localStallMs}
  mediaCrossed: 'media.crossed', // info {direction, fromCall}
  mediaDoubled: 'media.doubled', // info {direction, sources: ({address, ssrc} | string)[]}
  mediaSourceChanged: 'media.source-changed', // info {direction, from, to}
  // media.stats: emit one per direction at least after the fault and just before hangup; without it a call
  // the fault did not touch cannot be told from one whose media silently stopped (the check says 'unknown')
  mediaStats: 'media.stats', // info {direction, received, lost, firstPacketMs?, lastPacketMs} (latest wins)
  // nemesis (process = 'nemesis')
  fault: 'fault', // invoke {fault, targets[], peers[]} | ok|fail FaultOutcome {fault, targets[], ok, durationMs, error?}
  heal: 'heal', // invoke {fault, targets[]} | ok|fail FaultOutcome
  // failover controller (process = 'controller')
  detect: 'controller.detect', // info {node, via, sinceFaultMs?}
  // a probe result the detector set aside on purpose (a timeout while the node runs our recover)
  probeIgnored: 'controller.probe-ignored', // info {node, outcome, reason}
  fence: 'controller.fence', // invoke|ok|fail {node, method}
  migrate: 'controller.migrate', // invoke|ok|fail {from, to: node[], ...} (ok value: legs moved per target)
  recover: 'controller.recover', // invoke|ok|fail {node, command, recovered}
  confirm: 'controller.confirm', // ok|fail {node, recovered, expected}
  // lab and runner (process = 'lab' | 'runner')
  labUp: 'lab.up', // ok {id, subnet, hosts: [name, ip][]} (checks map SIP addresses to node names with it)
  labDown: 'lab.down',
  phase: 'runner.phase', // info {phase}
  // recovery.rows: a snapshot of one node's recovery table; callId = the leg's SIP Call-ID, matched
  // against call.invite callId / call.answered legCallIds (or the call's process id)
  recoveryRows: 'recovery.rows', // info {node, rows:[{uuid, callId, runtimeUuid}], malformed?:[{uuid, problem}]} | fail {node, error}
  // node.channels: the leg uuids a node holds live (ESL `show calls`), taken beside recovery.rows; a uuid live on
  // two nodes is a call owned twice (a steal left a zombie behind)
  nodeChannels: 'node.channels', // info {node, uuids: string[]} | fail {node, error}
} as const;

export type EventKindName = (typeof EventKind)[keyof typeof EventKind];

/** Which end of a call: the harness plays both. */
export type CallSide = 'caller' | 'callee';
/** A media direction, named by the side that receives it. */
export type MediaDirection = 'to-caller' | 'to-callee';
