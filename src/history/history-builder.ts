// Literal histories for tests and demonstrations: readable one-liners that expand into typed events.
import type { EventType, HistoryEvent } from '../common/event.js';
import { type CallSide, EventKind, type MediaDirection } from '../common/event-kinds.js';

const EPOCH_MS = Date.UTC(2026, 0, 1);

/** One leg row of a recovery.rows snapshot. */
export interface RowLiteral {
  uuid: string;
  callId: string;
  runtimeUuid?: string;
}

/** Builds a history from events given at explicit times; build() orders them by time and numbers them. */
export class HistoryBuilder {
  readonly #drafts: { timeMs: number; process: string; type: EventType; kind: string; value: unknown }[] = [];

  /** Any event. */
  event(timeMs: number, process: string, type: EventType, kind: string, value: unknown = {}): this {
    this.#drafts.push({ timeMs, process, type, kind, value });
    return this;
  }

  /** A call invited at inviteMs and answered at answerMs on node; media starts both ways at answer. */
  answered(
    callId: string,
    o: { inviteMs: number; answerMs: number; node?: string; legCallIds?: string[]; media?: boolean },
  ): this {
    this.invite(callId, o.inviteMs);
    const value: Record<string, unknown> = { callId, answerMs: o.answerMs - o.inviteMs };
    if (o.node) value.node = o.node;
    value.legCallIds = o.legCallIds ?? [`${callId}-a`, `${callId}-b`];
    this.event(o.answerMs, callId, 'ok', EventKind.callAnswered, value);
    if (o.media !== false) {
      for (const direction of ['to-caller', 'to-callee'] as const) {
        this.event(o.answerMs + 20, callId, 'info', EventKind.mediaStarted, {
          direction,
          source: 'rtpengine',
        });
      }
    }
    return this;
  }

  invite(callId: string, atMs: number): this {
    return this.event(atMs, callId, 'invoke', EventKind.callInvite, {
      callId,
      target: 'proxy',
      from: 'a',
      to: 'b',
    });
  }

  failed(callId: string, atMs: number, status = 503, reason = 'Service Unavailable'): this {
    return this.event(atMs, callId, 'fail', EventKind.callFailed, { status, reason });
  }

  /** A media gap in one direction (startMs = last packet before, endMs = first packet after). */
  gap(callId: string, direction: MediaDirection, startMs: number, endMs: number, localStallMs = 0): this {
    const durationMs = endMs - startMs;
    const value = {
      direction,
      startMs,
      endMs,
      durationMs,
      lostPackets: Math.round(durationMs / 20) - 1,
      localStallMs,
    };
    return this.event(endMs, callId, 'info', EventKind.mediaGap, value);
  }

  /** A silence still running when the stream stopped at stopMs (the media module's open gap). */
  openGap(callId: string, direction: MediaDirection, startMs: number, stopMs: number): this {
    const value = {
      direction,
      startMs,
      endMs: stopMs,
      durationMs: stopMs - startMs,
      lostPackets: 0,
      localStallMs: 0,
      open: true,
    };
    return this.event(stopMs, callId, 'info', EventKind.mediaGap, value);
  }

  /** The same gap in both directions. */
  gaps(callId: string, startMs: number, endMs: number): this {
    return this.gap(callId, 'to-caller', startMs, endMs).gap(callId, 'to-callee', startMs, endMs);
  }

  stats(callId: string, direction: MediaDirection, atMs: number, lastPacketMs: number, received = 100): this {
    return this.event(atMs, callId, 'info', EventKind.mediaStats, {
      direction,
      received,
      lost: 0,
      lastPacketMs,
    });
  }

  reinvite(callId: string, atMs: number, side: CallSide = 'caller', findings: string[] = []): this {
    const value = {
      side,
      source: 'fs2',
      contact: 'sip:fs2',
      sdp: { ip: '198.19.0.30', port: 30000 },
      cseq: 1000,
      findings,
    };
    return this.event(atMs, callId, 'info', EventKind.callReinvite, value);
  }

  reinviteAnswered(callId: string, atMs: number, status = 200, side: CallSide = 'caller'): this {
    return this.event(atMs, callId, status < 300 ? 'ok' : 'fail', EventKind.callReinviteAnswered, {
      side,
      status,
    });
  }

  bye(callId: string, atMs: number, by: 'remote' | 'local', side: CallSide = 'caller'): this {
    return this.event(atMs, callId, 'info', EventKind.callBye, {
      side,
      by,
      source: by === 'remote' ? 'fs1' : 'harness',
    });
  }

  /** The scenario hangs the call up (invoke, then ok 10 ms later). */
  hangup(callId: string, atMs: number, side: CallSide = 'caller'): this {
    this.event(atMs, callId, 'invoke', EventKind.callHangup, { side });
    return this.event(atMs + 10, callId, 'ok', EventKind.callHangup, { side });
  }

  crossed(callId: string, atMs: number, direction: MediaDirection, fromCall: string): this {
    return this.event(atMs, callId, 'info', EventKind.mediaCrossed, { direction, fromCall });
  }

  doubled(callId: string, atMs: number, direction: MediaDirection, sources: string[]): this {
    return this.event(atMs, callId, 'info', EventKind.mediaDoubled, { direction, sources });
  }

  finding(callId: string, atMs: number, finding: string, detail = '', side: CallSide = 'caller'): this {
    return this.event(atMs, callId, 'info', EventKind.sipFinding, { side, finding, detail });
  }

  /** A fault invoked at atMs, in effect okMs later. */
  fault(atMs: number, fault: string, target: string | string[], okAfterMs = 5): this {
    const targets = typeof target === 'string' ? [target] : target;
    this.event(atMs, 'nemesis', 'invoke', EventKind.fault, { fault, targets, peers: [] });
    const outcome = { fault, targets, ok: true, timedOut: false, durationMs: okAfterMs };
    return this.event(atMs + okAfterMs, 'nemesis', 'ok', EventKind.fault, outcome);
  }

  heal(atMs: number, fault: string, target: string | string[], okAfterMs = 5): this {
    const targets = typeof target === 'string' ? [target] : target;
    this.event(atMs, 'nemesis', 'invoke', EventKind.heal, { fault, targets });
    const outcome = { fault, targets, ok: true, timedOut: false, durationMs: okAfterMs };
    return this.event(atMs + okAfterMs, 'nemesis', 'ok', EventKind.heal, outcome);
  }

  detect(atMs: number, node: string, via = 'probe'): this {
    return this.event(atMs, 'controller', 'info', EventKind.detect, { node, via });
  }

  fence(startMs: number, endMs: number, node: string, method = 'kill'): this {
    this.event(startMs, 'controller', 'invoke', EventKind.fence, { node, method });
    return this.event(endMs, 'controller', 'ok', EventKind.fence, { node, method });
  }

  /** A migration as the controller records it: `to` is the list of target nodes. */
  migrate(startMs: number, endMs: number, from: string, to: string | string[], legs = 0): this {
    const targets = typeof to === 'string' ? [to] : to;
    this.event(startMs, 'controller', 'invoke', EventKind.migrate, {
      from,
      to: targets,
      spread: targets.length > 1,
    });
    const value = {
      from,
      to: targets,
      ok: true,
      timedOut: false,
      durationMs: endMs - startMs,
      value: { [targets[0] ?? '?']: legs },
    };
    return this.event(endMs, 'controller', 'ok', EventKind.migrate, value);
  }

  recover(startMs: number, endMs: number, node: string, recovered = 0): this {
    this.event(startMs, 'controller', 'invoke', EventKind.recover, { node, command: 'fsctl recover' });
    return this.event(endMs, 'controller', 'ok', EventKind.recover, {
      node,
      command: 'fsctl recover',
      recovered,
    });
  }

  confirm(atMs: number, node: string, recovered = 0, expected = recovered): this {
    return this.event(atMs, 'controller', recovered === expected ? 'ok' : 'fail', EventKind.confirm, {
      node,
      recovered,
      expected,
    });
  }

  /** A snapshot of one node's recovery table. */
  rows(atMs: number, node: string, rows: RowLiteral[]): this {
    const value = { node, rows: rows.map((r) => ({ runtimeUuid: `${node}-rt`, ...r })) };
    return this.event(atMs, 'lab', 'info', EventKind.recoveryRows, value);
  }

  /** Both legs of calls as rows (legCallIds default `<id>-a`, `<id>-b`). */
  legRows(atMs: number, node: string, callIds: string[]): this {
    const rows = callIds.flatMap((c) => [
      { uuid: `${c}-ua`, callId: `${c}-a` },
      { uuid: `${c}-ub`, callId: `${c}-b` },
    ]);
    return this.rows(atMs, node, rows);
  }

  phase(atMs: number, phase: string): this {
    return this.event(atMs, 'runner', 'info', EventKind.phase, { phase });
  }

  /** The events ordered by time (stable), numbered, with wall times from 2026-01-01. */
  build(): HistoryEvent[] {
    const sorted = this.#drafts
      .map((d, i) => ({ d, i }))
      .sort((a, b) => a.d.timeMs - b.d.timeMs || a.i - b.i);
    return sorted.map(({ d }, index) => ({
      ...d,
      index,
      wallTime: new Date(EPOCH_MS + d.timeMs).toISOString(),
    }));
  }
}
