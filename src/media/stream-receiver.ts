// The receiving half of one stream: classifies each datagram and turns it into counters and observations.
import type { CallSide } from '../common/event-kinds.js';
import { GapTracker, type GapTrackerOptions } from './gap-tracker.js';
import { type MediaIdentity, MediaPayload } from './media-payload.js';
import { RtpHeader } from './rtp-header.js';
import { SourceTracker } from './source-tracker.js';
import type { StallLog } from './stall-log.js';
import { Counter, resetCounters } from './stream-counters.js';

/** Something worth an event, in the receiver's monotonic ms. */
export type ReceiverObservation =
  | { kind: 'started'; atMs: number; source: string; ssrc: number }
  | {
      kind: 'gap';
      atMs: number;
      startMs: number;
      endMs: number;
      durationMs: number;
      lostPackets: number;
      /** The silence on the sender's schedule (see MeasuredGap); NaN for an open gap. */
      sentSpanMs: number;
      localStallMs: number;
      /** True when the media had not resumed when the stream stopped. */
      open?: boolean;
    }
  | { kind: 'crossed'; atMs: number; fromCallKey: number; fromSide: CallSide; source: string }
  | { kind: 'doubled'; atMs: number; sources: string[] }
  | { kind: 'source-changed'; atMs: number; from: string; to: string; silenceMs: number };

export interface StreamReceiverOptions extends GapTrackerOptions {
  expect: { callKey: number; side: CallSide };
  /** Window (ms) in which two sources count as simultaneous, default 100. */
  doubledWindowMs?: number;
}

/** Feeds datagrams in arrival order; pushes observations to emit. */
export class StreamReceiver {
  private readonly gaps: GapTracker;
  private readonly sources: SourceTracker;
  private readonly crossedSeen = new Set<number>();
  /** The identity of the datagram in hand, overwritten per packet. */
  private readonly id: MediaIdentity = { callKey: 0, side: 'caller', seq: 0, sendMs: 0 };

  constructor(
    private readonly opts: StreamReceiverOptions,
    private readonly counters: Float64Array,
    private readonly stalls: StallLog,
    private readonly emit: (o: ReceiverObservation) => void,
  ) {
    resetCounters(counters);
    this.gaps = new GapTracker(opts);
    this.sources = new SourceTracker(opts.doubledWindowMs);
  }

  /** Handles one datagram that arrived at atMs from ip:port. */
  receive(buf: Buffer, ip: string, port: number, atMs: number): void {
    const c = this.counters;
    const offset = RtpHeader.payloadOffset(buf);
    if (offset < 0) {
      c[Counter.malformed]! += 1;
      return;
    }
    const id = this.id;
    if (!MediaPayload.readInto(buf, offset, id)) {
      c[Counter.unknown]! += 1;
      return;
    }
    const ssrc = RtpHeader.ssrc(buf);
    const source = this.sourceOf(ip, port, ssrc);
    const expect = this.opts.expect;
    if (id.callKey !== expect.callKey || id.side !== expect.side) {
      c[Counter.crossed]! += 1;
      const key = id.callKey * 2 + (id.side === 'caller' ? 0 : 1);
      if (!this.crossedSeen.has(key)) {
        this.crossedSeen.add(key);
        this.emit({ kind: 'crossed', atMs, fromCallKey: id.callKey, fromSide: id.side, source });
      }
      return;
    }
    const seen = this.sources.feed(this.lastKey, atMs);
    if (seen?.kind === 'started') this.emit({ kind: 'started', atMs, source, ssrc });
    else if (seen?.kind === 'changed') {
      c[Counter.sourceChanges]! += 1;
      this.emit({ kind: 'source-changed', atMs, from: seen.from, to: seen.to, silenceMs: seen.silenceMs });
    } else if (seen?.kind === 'doubled') this.emit({ kind: 'doubled', atMs, sources: seen.sources });
    c[Counter.doubled] = this.sources.doubledPackets;

    const gap = this.gaps.feed(atMs, id.seq, id.sendMs);
    c[Counter.received] = this.gaps.received;
    c[Counter.lost] = this.gaps.lost;
    c[Counter.late] = this.gaps.late;
    if (Number.isNaN(c[Counter.firstPacketMs])) c[Counter.firstPacketMs] = atMs;
    c[Counter.lastPacketMs] = atMs;
    if (gap !== undefined)
      this.reportGap(gap.startMs, gap.endMs, gap.lostPackets, gap.sentSpanMs, atMs, false);
  }

  // Address strings are rebuilt only when the source changes, not per packet.
  private lastIp = '';
  private lastPort = -1;
  private lastSsrc = -1;
  private lastSource = '';
  private lastKey = '';
  private sourceOf(ip: string, port: number, ssrc: number): string {
    if (ip !== this.lastIp || port !== this.lastPort || ssrc !== this.lastSsrc) {
      this.lastIp = ip;
      this.lastPort = port;
      this.lastSsrc = ssrc;
      this.lastSource = `${ip}:${port}`;
      this.lastKey = `${this.lastSource}#${ssrc}`;
    }
    return this.lastSource;
  }

  /** Called when the stream stops: a silence still running then is reported as an open gap. */
  finish(nowMs: number): void {
    const last = this.gaps.lastMs;
    if (last === undefined) return;
    const startMs = last + this.gaps.ptimeMs;
    if (nowMs - startMs >= this.gaps.thresholdMs) this.reportGap(startMs, nowMs, 0, Number.NaN, nowMs, true);
  }

  // A silence with no lost packets that our own stall covers is local delay, not the network's
  // (an open gap has no count of lost packets, so only the stall can speak for it).
  private reportGap(
    startMs: number,
    endMs: number,
    lostPackets: number,
    sentSpanMs: number,
    atMs: number,
    open: boolean,
  ): void {
    const c = this.counters;
    const durationMs = endMs - startMs;
    const localStallMs = this.stalls.overlapMs(startMs - this.gaps.ptimeMs, endMs);
    if (lostPackets === 0 && durationMs - localStallMs < this.gaps.thresholdMs) {
      c[Counter.localGaps]! += 1;
      return;
    }
    c[Counter.gaps]! += 1;
    c[Counter.maxGapMs] = Math.max(c[Counter.maxGapMs] ?? 0, durationMs);
    const gap = {
      kind: 'gap',
      atMs,
      startMs,
      endMs,
      durationMs,
      lostPackets,
      sentSpanMs,
      localStallMs,
    } as const;
    this.emit(open ? { ...gap, open } : gap);
  }
}
