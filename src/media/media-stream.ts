// One RTP endpoint of one call side, as seen from the main thread: a handle on a stream the worker runs.
import { isIPv4 } from 'node:net';
import { ZerodropError } from '../common/errors.js';
import type { CallSide, MediaDirection } from '../common/event-kinds.js';
import { Counter } from './stream-counters.js';
import type { ToWorker } from './worker-protocol.js';

/** Counters of one stream; times are monotonic ms of the engine's Clock. */
export interface MediaStreamStats {
  /** Direction this stream receives: 'to-caller' or 'to-callee'. */
  direction: MediaDirection;
  sent: number;
  /** Packets of the expected identity received (including late and duplicates). */
  received: number;
  /** Expected identity packets never received (by payload sequence, RFC 3550 A.3 style). */
  lost: number;
  late: number;
  /** Packets carrying another call's (or side's) identity. */
  crossed: number;
  /** Packets that arrived while two sources of the expected identity interleaved. */
  doubled: number;
  /** RTP packets without our identity (e.g. announcements, comfort noise). */
  unknown: number;
  /** Datagrams that were not RTP. */
  malformed: number;
  /** Network gaps reported (media.gap events). */
  gaps: number;
  maxGapMs: number;
  /** Silences explained by a local stall, not reported as gaps. */
  localGaps: number;
  sourceChanges: number;
  /** Send slots skipped after a local stall of the worker. */
  sendSkipped: number;
  /** Send slots withheld on purpose (pauseSending). */
  injected: number;
  firstPacketMs: number | undefined;
  lastPacketMs: number | undefined;
  /** Silence running now (ms past the due time of the next packet), 0 while media flows. */
  silentMs: number;
  /** Current source "ip:port" of the expected media. */
  source: string | undefined;
  stopped: boolean;
}

/** One RTP endpoint: bound locally, sending to a remote, measuring what it receives. */
export interface MediaStream {
  readonly localIp: string;
  readonly localPort: number;
  setRemote(ip: string, port: number): void;
  start(): void;
  stop(): void;
  stats(): MediaStreamStats;
}

/** Engine-side plumbing a stream handle needs. */
export interface StreamHost {
  post(m: ToWorker): void;
  request<T>(m: ToWorker & { id: number }): Promise<T>;
  nextId(): number;
  /** Worker monotonic ms -> Clock ms. */
  toClockMs(workerMs: number): number;
  workerNowMs(): number;
  ptimeMs: number;
}

/** The MediaStream handed to callers; state lives in the worker, counters in shared memory. */
export class WorkerMediaStream implements MediaStream {
  /** Latest source of the expected media, kept from media.started / media.source-changed. */
  source: string | undefined;
  private stoppedFlag = false;
  private resolveFinished: (s: MediaStreamStats) => void = () => {};
  private readonly finishedPromise = new Promise<MediaStreamStats>((r) => {
    this.resolveFinished = r;
  });

  constructor(
    private readonly host: StreamHost,
    readonly slot: number,
    readonly callId: string,
    readonly side: CallSide,
    readonly localIp: string,
    readonly localPort: number,
    private counters: Float64Array,
  ) {}

  get direction(): MediaDirection {
    return this.side === 'caller' ? 'to-caller' : 'to-callee';
  }

  /** Where to send (the remote SDP's c= and m= port); may change any time (re-INVITE). */
  setRemote(ip: string, port: number): void {
    if (!isIPv4(ip) || !Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new ZerodropError(
        `media stream of ${this.callId} (${this.side}): bad remote ${ip}:${port} (IPv4 literal and port 1-65535 expected)`,
      );
    }
    if (!this.stoppedFlag) this.host.post({ t: 'remote', slot: this.slot, ip, port });
  }

  /** Starts sending every ptime once a remote is known; receiving runs from open to stop. */
  start(): void {
    if (!this.stoppedFlag) this.host.post({ t: 'start', slot: this.slot });
  }

  /** Stops sending and receiving, reports a still-running silence as an open gap, emits media.stats. */
  stop(): void {
    if (this.stoppedFlag) return;
    this.stoppedFlag = true;
    this.host.post({ t: 'stop', slot: this.slot });
  }

  /** Resolves with the final stats once the worker has stopped the stream (after stop() or engine close). */
  finished(): Promise<MediaStreamStats> {
    return this.finishedPromise;
  }

  /**
   * Test/bench hook: sends nothing for durationMs from now. consumeSequence (default true) burns the
   * sequence numbers, so the receiver sees loss exactly like a network outage. Resolves once sending has
   * resumed, with the slots withheld (the receiver should measure slots x ptime) and wireSilenceMs, the
   * silence really put on the wire (last packet before to first after, minus one ptime).
   */
  async pauseSending(
    durationMs: number,
    opts: { consumeSequence?: boolean } = {},
  ): Promise<{ slots: number; fromMs: number; wireSilenceMs: number }> {
    const id = this.host.nextId();
    const r = await this.host.request<{ slots: number; fromMs: number; wireSilenceMs: number }>({
      t: 'pause',
      id,
      slot: this.slot,
      durationMs,
      consumeSequence: opts.consumeSequence ?? true,
    });
    return { slots: r.slots, fromMs: this.host.toClockMs(r.fromMs), wireSilenceMs: r.wireSilenceMs };
  }

  /** Current counters (synchronous: read from shared memory). */
  stats(): MediaStreamStats {
    const c = this.counters;
    const n = (k: keyof typeof Counter) => c[Counter[k]] ?? 0;
    const time = (k: 'firstPacketMs' | 'lastPacketMs') =>
      Number.isNaN(n(k)) ? undefined : this.host.toClockMs(n(k));
    const last = n('lastPacketMs');
    const silentMs =
      this.stoppedFlag || Number.isNaN(last)
        ? 0
        : Math.max(0, this.host.workerNowMs() - last - this.host.ptimeMs);
    return {
      direction: this.direction,
      sent: n('sent'),
      received: n('received'),
      lost: n('lost'),
      late: n('late'),
      crossed: n('crossed'),
      doubled: n('doubled'),
      unknown: n('unknown'),
      malformed: n('malformed'),
      gaps: n('gaps'),
      maxGapMs: n('maxGapMs'),
      localGaps: n('localGaps'),
      sourceChanges: n('sourceChanges'),
      sendSkipped: n('sendSkipped'),
      injected: n('injected'),
      firstPacketMs: time('firstPacketMs'),
      lastPacketMs: time('lastPacketMs'),
      silentMs,
      source: this.source,
      stopped: this.stoppedFlag,
    };
  }

  /** Called by the engine when the worker reports the stream stopped. */
  markFinished(): MediaStreamStats {
    this.stoppedFlag = true;
    // The shared slot will be reused by another stream: keep a private copy.
    this.counters = Float64Array.from(this.counters);
    const s = this.stats();
    this.resolveFinished(s);
    return s;
  }
}
