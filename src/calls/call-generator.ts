// The call generator: the harness as caller and callee, placing N calls at a rate, holding, hanging up.
import { type Clock, systemClock } from '../common/clock.js';
import { errorMessage, ZerodropError } from '../common/errors.js';
import type { EventSink } from '../common/event.js';
import { type CallSide, EventKind } from '../common/event-kinds.js';
import { delay } from '../common/wait.js';
import type { MediaEngine, MediaStream } from '../media/media-engine.js';
import type { IncomingInvite } from '../sip/incoming-invite.js';
import { SipEndpoint } from '../sip/sip-endpoint.js';
import type { SipTimerBase } from '../sip/sip-timers.js';
import type { Address } from '../sip/transport.js';
import { UserAgent } from '../sip/user-agent.js';
import { CALL_KEY_HEADER, callerUser, callKeyOf } from './call-key.js';
import { CallRecorder, sipFindingSink } from './call-recorder.js';
import { conferenceRoomUser, ringNeighbourKey } from './conference-room.js';
import { type CallMode, CallState, HarnessCall } from './harness-call.js';

/** Options of CallGenerator.start. */
export interface CallGeneratorOptions {
  /** Local IP for SIP and RTP: the lab bridge's gateway address, 127.0.0.1 in tests. */
  localIp: string;
  /** SIP port of the caller UA; default 0 (any free port). */
  callerPort?: number;
  /** SIP port of the callee UA (where FreeSWITCH bridges to); default 0. */
  calleePort?: number;
  /** Where INVITEs go: the proxy or a FreeSWITCH node. */
  target: Address;
  /** The media engine (owned by the caller of start; not closed here). */
  media: MediaEngine;
  /** History sink for call.* and sip.finding events. */
  sink: EventSink;
  clock?: Clock;
  /** SIP T1/T2/T4 in ms (defaults 500/4000/5000). */
  timers?: Partial<SipTimerBase>;
  /** Reject lower-CSeq in-dialog requests (RFC 3261 12.2.2) instead of recording them and going on. */
  strictCseq?: boolean;
  log?: (line: string) => void;
}

/** One call to place. */
export interface CallSpec {
  /** Request-URI user: e.g. 'echo', or a bridge user that makes FreeSWITCH call our callee. */
  user: string;
  /** echo: the caller hears its own audio; bridge: caller and callee hear each other; conference: see placeRoom. */
  mode: CallMode;
  /** Request-URI host:port; default the target. */
  domain?: string;
  /** Where this call's INVITE goes; default the generator's target. */
  target?: Address;
  /** Give up (CANCEL) without a final answer after this many ms; default 32_000. */
  answerTimeoutMs?: number;
}

/** One conference room to fill: every member dials the room the generator names, at the same target. */
export interface RoomSpec extends Omit<CallSpec, 'user' | 'mode'> {
  /** Callers in the room (at least 2). */
  members: number;
}

/** A run of calls. */
export interface CallPlan extends CallSpec {
  count: number;
  /** New calls per second. */
  ratePerSec: number;
  /** How long each answered call is held before the caller hangs up (ms). */
  holdMs: number;
}

/** Places and answers calls; every call is a HarnessCall and writes its own history. */
export class CallGenerator {
  private readonly calls = new Map<number, HarnessCall>();
  private nextKey = 1;
  private rooms = 0;
  private readonly clock: Clock;

  private constructor(
    private readonly opts: CallGeneratorOptions,
    readonly caller: UserAgent,
    readonly callee: UserAgent,
    /** SIP Call-ID of a leg -> the call's history process (callee legs through FreeSWITCH have their own). */
    private readonly legs: Map<string, string>,
  ) {
    this.clock = opts.clock ?? systemClock;
    callee.onInvite((inv) => {
      this.onCalleeInvite(inv).catch((e) => opts.log?.(`callee INVITE ${inv.callId}: ${errorMessage(e)}`));
    });
  }

  /** Binds the caller and callee UAs on localIp. */
  static async start(opts: CallGeneratorOptions): Promise<CallGenerator> {
    const common = {
      address: opts.localIp,
      ...(opts.timers ? { timers: opts.timers } : {}),
      ...(opts.log ? { log: opts.log } : {}),
    };
    const legs = new Map<string, string>();
    const findings = (side: CallSide) => sipFindingSink(opts.sink, opts.clock ?? systemClock, legs, side);
    const callerEp = await SipEndpoint.listen({
      ...common,
      port: opts.callerPort ?? 0,
      onFinding: findings('caller'),
    });
    const calleeEp = await SipEndpoint.listen({
      ...common,
      port: opts.calleePort ?? 0,
      onFinding: findings('callee'),
    });
    const strict = opts.strictCseq ?? false;
    const caller = new UserAgent({
      endpoint: callerEp,
      user: 'caller',
      strictCseq: strict,
      onFinding: findings('caller'),
    });
    const callee = new UserAgent({
      endpoint: calleeEp,
      user: 'uas',
      strictCseq: strict,
      onFinding: findings('callee'),
    });
    return new CallGenerator(opts, caller, callee, legs);
  }

  /** Where the callee UA listens (FreeSWITCH's bridge target). */
  get calleeAddress(): Address {
    return this.callee.endpoint.local;
  }

  get callerAddress(): Address {
    return this.caller.endpoint.local;
  }

  /** Every call placed so far. */
  all(): HarnessCall[] {
    return [...this.calls.values()];
  }

  /** Places one call and resolves once it is answered or failed. */
  async place(spec: CallSpec): Promise<HarnessCall> {
    if (spec.mode === 'conference')
      throw new ZerodropError('conference calls are placed a room at a time: use placeRoom');
    const callKey = this.nextKey++;
    const side = spec.mode === 'echo' ? ('caller' as const) : ('callee' as const);
    return this.placeLeg(spec, callKey, { callKey, side });
  }

  /**
   * Fills a new conference room (a room name of its own, conferenceRoomUser) with spec.members callers at once;
   * each member listens for its ring neighbour (ringNeighbourKey). Resolves when every member is answered or failed.
   */
  async placeRoom(spec: RoomSpec): Promise<HarnessCall[]> {
    if (!Number.isInteger(spec.members) || spec.members < 2)
      throw new ZerodropError(`a conference room needs at least 2 members, not ${spec.members}`);
    const room = conferenceRoomUser(++this.rooms);
    const keys = Array.from({ length: spec.members }, () => this.nextKey++);
    const leg: CallSpec = { ...spec, user: room, mode: 'conference' };
    return Promise.all(
      keys.map((callKey, i) =>
        this.placeLeg(leg, callKey, { callKey: ringNeighbourKey(keys, i), side: 'caller' }, room),
      ),
    );
  }

  /** Rooms filled so far. */
  get roomsPlaced(): number {
    return this.rooms;
  }

  private async placeLeg(
    spec: CallSpec,
    callKey: number,
    expect: { callKey: number; side: CallSide },
    room?: string,
  ): Promise<HarnessCall> {
    const { localIp, media } = this.opts;
    const target = spec.target ?? this.opts.target;
    const callId = `zd-${callKey}-${Math.random().toString(36).slice(2, 10)}@${localIp}`;
    let stream: MediaStream;
    try {
      stream = await media.openStream({ callId, callKey, side: 'caller', expect });
    } catch (e) {
      // no RTP endpoint, no call: recorded as a failed call of its own, then raised to the caller
      const recorder = new CallRecorder(callId, this.clock, this.opts.sink);
      recorder.emit('invoke', EventKind.callInvite, {
        target: `${target.address}:${target.port}`,
        callId,
        callKey,
      });
      recorder.emit('fail', EventKind.callFailed, {
        status: 0,
        reason: `media stream: ${errorMessage(e)}`,
        timedOut: false,
      });
      throw new ZerodropError(`call ${callKey}: cannot open its media stream`, { cause: e });
    }
    const call = new HarnessCall(
      callKey,
      spec.mode,
      new CallRecorder(callId, this.clock, this.opts.sink),
      stream,
      room,
    );
    this.calls.set(callKey, call);
    const requestUri = `sip:${spec.user}@${spec.domain ?? `${target.address}:${target.port}`}`;
    const from = `<sip:${callerUser(callKey)}@${localIp}>`;
    const invitedMs = call.recorder.emit('invoke', EventKind.callInvite, {
      target: `${target.address}:${target.port}`,
      from,
      to: requestUri,
      callId,
      callKey,
      mode: spec.mode,
      ...(room ? { room, hears: expect.callKey } : {}),
    });
    const out = this.caller.invite({
      requestUri,
      from,
      callId,
      destination: target,
      localMedia: { ip: stream.localIp, port: stream.localPort },
      headers: [[CALL_KEY_HEADER, String(callKey)]],
      answerTimeoutMs: spec.answerTimeoutMs ?? 32_000,
      events: call.sessionEvents('caller', stream),
    });
    call.settle(await out.result, invitedMs, this.clock.nowMs());
    return call;
  }

  /** Places plan.count calls at plan.ratePerSec, holds each for plan.holdMs, hangs up; resolves when all ended. */
  async run(plan: CallPlan, signal?: AbortSignal): Promise<HarnessCall[]> {
    const intervalMs = 1000 / plan.ratePerSec;
    const started = this.clock.nowMs();
    const running: Array<Promise<HarnessCall>> = [];
    for (let i = 0; i < plan.count && !signal?.aborted; i++) {
      const due = started + i * intervalMs - this.clock.nowMs();
      if (due > 0) await delay(due, signal).catch(() => undefined);
      if (signal?.aborted) break;
      running.push(this.placeAndHold(plan, signal));
    }
    // a call that could not even start (no media stream) is in the history as call.failed already
    const settled = await Promise.allSettled(running);
    return settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  }

  private async placeAndHold(plan: CallPlan, signal?: AbortSignal): Promise<HarnessCall> {
    const call = await this.place(plan);
    if (call.state === CallState.Answered) {
      await delay(plan.holdMs, signal).catch(() => undefined);
      await call.hangup();
    }
    return call;
  }

  /** Hangs up every answered call (end of a scenario phase). */
  async hangupAll(): Promise<void> {
    await Promise.all(this.all().map((c) => c.hangup()));
  }

  /** Stops both UAs (hang up first: calls still up are left to time out on the far side). */
  async close(): Promise<void> {
    for (const c of this.all()) {
      c.callerStream.stop();
      c.callee?.stream.stop();
    }
    await Promise.all([this.caller.close(), this.callee.close()]);
  }

  /** FreeSWITCH's bridge reached our callee: find the call by X-Zerodrop-Call or the From user `zdN`. */
  private async onCalleeInvite(inv: IncomingInvite): Promise<void> {
    const key = callKeyOf(inv.incoming.request);
    const call = key === undefined ? undefined : this.calls.get(key);
    if (
      call?.mode !== 'bridge' ||
      call.callee ||
      call.state === CallState.Failed ||
      call.state === CallState.Ended
    ) {
      inv.reject(404, 'No Such Harness Call');
      this.opts.log?.(`callee INVITE ${inv.callId} for unknown call key ${key}`);
      return;
    }
    let stream: MediaStream;
    try {
      stream = await this.opts.media.openStream({
        callId: call.callId,
        callKey: call.callKey,
        side: 'callee',
        expect: { callKey: call.callKey, side: 'caller' },
      });
    } catch (e) {
      inv.reject(503, 'No Media Stream');
      call.recorder.emit('info', EventKind.sipFinding, {
        side: 'callee',
        finding: 'local-media-failure',
        detail: errorMessage(e),
      });
      return;
    }
    this.legs.set(inv.callId, call.callId);
    call.acceptCallee(inv, stream);
  }
}
