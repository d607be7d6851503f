// The media engine: RTP endpoints for every call side, run by one worker, reported as history events.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Worker } from 'node:worker_threads';
import { systemClock } from '../common/clock.js';
import { ZerodropError } from '../common/errors.js';
import type { EventDraft } from '../common/event.js';
import { EventKind } from '../common/event-kinds.js';
import { launchWorker } from './launch-worker.js';
import type { MediaEngineHealth, MediaEngineOptions, OpenStreamOptions } from './media-engine-options.js';
import { mediaEvent, splitSource } from './media-event.js';
import { type MediaStream, type StreamHost, WorkerMediaStream } from './media-stream.js';
import { StallLog } from './stall-log.js';
import { COUNTERS_PER_SLOT, counterSlot } from './stream-counters.js';
import type { ReceiverObservation } from './stream-receiver.js';
import type { FromWorker, ToWorker, WorkerHealth, WorkerItem } from './worker-protocol.js';

export type { MediaEngineHealth, MediaEngineOptions, OpenStreamOptions } from './media-engine-options.js';
export type { MediaStream, MediaStreamStats } from './media-stream.js';
export { WorkerMediaStream } from './media-stream.js';

const PTIME_MS = 20;
const hrNowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/**
 * Owns the media worker and the stream handles; turns worker observations into EventDrafts
 * (type 'info', process = the receiving stream's callId, direction = 'to-' + its side, times on the Clock):
 * - media.started {direction, source 'ip:port', ssrc}
 * - media.gap {direction, startMs, endMs, durationMs, lostPackets, sentSpanMs, localStallMs, open?}:
 *   durationMs is the silence at the receiver; sentSpanMs the same silence on the sender's schedule;
 *   open: the media had not resumed when the stream stopped. Silences our own stall explains
 *   (nothing lost) are not reported, only counted (stats.localGaps).
 * - media.crossed {direction, fromCall, fromCallKey, fromSide, source}: once per foreign identity.
 * - media.doubled {direction, sources [{address, ssrc}]}: once per pair of interleaving sources.
 * - media.source-changed {direction, from, to, fromSsrc, toSsrc, silenceMs}: a clean hand-over.
 * - media.stats (MediaStreamStats) when the stream stops.
 */
export class MediaEngine {
  private readonly streams = new Map<number, WorkerMediaStream>();
  private readonly freeSlots: number[];
  private readonly callIdByKey = new Map<number, string>();
  private readonly portsInUse = new Set<number>();
  private readonly waiting = new Map<
    number,
    { resolve: (m: FromWorker) => void; reject: (e: Error) => void }
  >();
  /** Set when the worker died: every later call fails with it instead of hanging. */
  private failure: ZerodropError | undefined;
  private readonly stalls = new StallLog(10, 15);
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });
  private readonly stallTimer: NodeJS.Timeout;
  private ids = 0;
  private portCursor = 0;
  private closed: Promise<void> | undefined;
  private readonly host: StreamHost;

  private constructor(
    private readonly opts: MediaEngineOptions,
    private readonly worker: Worker,
    private readonly counters: SharedArrayBuffer,
    maxStreams: number,
  ) {
    this.freeSlots = Array.from({ length: maxStreams }, (_, i) => maxStreams - 1 - i);
    this.stallTimer = setInterval(() => this.stalls.beat(hrNowMs()), 10);
    this.stallTimer.unref();
    this.loopDelay.enable();
    worker.on('message', (m: FromWorker) => this.onMessage(m));
    worker.on('error', (e) =>
      this.fail(new ZerodropError(`media worker crashed: ${e.message}`, { cause: e })),
    );
    worker.on('exit', (code) => this.fail(new ZerodropError(`media worker exited (code ${code})`)));
    this.host = {
      post: (m) => this.worker.postMessage(m),
      request: (m) => this.request(m),
      nextId: () => ++this.ids,
      toClockMs: (ms) => this.toClockMs(ms),
      workerNowMs: hrNowMs,
      ptimeMs: PTIME_MS,
    };
  }

  /** Starts the worker; resolves when it is ready to open streams. */
  static async start(opts: MediaEngineOptions): Promise<MediaEngine> {
    const maxStreams = opts.maxStreams ?? 4096;
    if (
      (opts.portMin === undefined) !== (opts.portMax === undefined) ||
      (opts.portMin ?? 0) > (opts.portMax ?? 0)
    ) {
      throw new ZerodropError(`MediaEngine: portMin/portMax must be given together with portMin <= portMax`);
    }
    const counters = new SharedArrayBuffer(maxStreams * COUNTERS_PER_SLOT * 8);
    const worker = launchWorker({
      counters,
      maxStreams,
      ptimeMs: PTIME_MS,
      tickMs: opts.tickMs ?? 10,
      gapThresholdMs: opts.gapThresholdMs ?? 50,
      doubledWindowMs: opts.doubledWindowMs ?? 100,
      stallToleranceMs: opts.stallToleranceMs ?? 15,
      maxCatchUp: 3,
      priority: opts.workerPriority === undefined ? -10 : opts.workerPriority,
    });
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error) =>
        reject(new ZerodropError(`media worker failed to start: ${e.message}`, { cause: e }));
      worker.once('error', onError);
      worker.once('message', (m: FromWorker) => {
        worker.off('error', onError);
        if (m.t === 'ready') resolve();
        else reject(new ZerodropError(`media worker sent ${m.t} before ready`));
      });
    });
    return new MediaEngine(opts, worker, counters, maxStreams);
  }

  /** Binds a new RTP endpoint; it receives at once and sends after setRemote + start. */
  async openStream(o: OpenStreamOptions): Promise<MediaStream> {
    if (this.closed) throw new ZerodropError('MediaEngine is closed');
    if (this.failure) throw this.failure;
    const slot = this.freeSlots.pop();
    if (slot === undefined)
      throw new ZerodropError(`MediaEngine: more than ${this.opts.maxStreams ?? 4096} streams`);
    this.callIdByKey.set(o.callKey >>> 0, o.callId);
    const id = ++this.ids;
    const reply = await this.request<FromWorker>({
      t: 'open',
      id,
      slot,
      bindIp: this.opts.bindIp,
      ports: this.candidatePorts(),
      callKey: o.callKey >>> 0,
      side: o.side,
      expect: { callKey: o.expect.callKey >>> 0, side: o.expect.side },
    });
    if (reply.t !== 'opened') {
      this.freeSlots.push(slot);
      const why = reply.t === 'open-failed' ? reply.error : reply.t;
      throw new ZerodropError(`MediaEngine: cannot bind RTP on ${this.opts.bindIp} for ${o.callId}: ${why}`);
    }
    if (this.opts.portMin !== undefined) this.portsInUse.add(reply.port);
    const stream = new WorkerMediaStream(
      this.host,
      slot,
      o.callId,
      o.side,
      this.opts.bindIp,
      reply.port,
      counterSlot(this.counters, slot),
    );
    this.streams.set(slot, stream);
    return stream;
  }

  /** Stall and loop-delay figures of the worker and the main thread. */
  async health(): Promise<MediaEngineHealth> {
    const worker = await this.request<WorkerHealth>({ t: 'health', id: ++this.ids });
    return {
      worker,
      main: {
        maxStallMs: this.stalls.maxStallMs,
        totalStallMs: this.stalls.totalStallMs,
        loopDelayP99Ms: this.loopDelay.percentile(99) / 1e6,
        loopDelayMaxMs: this.loopDelay.max / 1e6,
      },
    };
  }

  /** Test hook: keeps the worker busy for ms, a local stall on purpose; resolves when it is over. */
  async blockWorkerForTest(ms: number): Promise<void> {
    await this.request<FromWorker>({ t: 'block', id: ++this.ids, ms });
  }

  /** Stops every stream (each emits its media.stats) and ends the worker. */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      this.waiting.set(0, { resolve: () => resolve(), reject: () => resolve() });
      this.worker.once('exit', () => resolve());
      this.worker.postMessage({ t: 'close' } satisfies ToWorker);
    }).then(async () => {
      await this.worker.terminate();
      clearInterval(this.stallTimer);
      this.loopDelay.disable();
    });
    return this.closed;
  }

  private request<T>(m: ToWorker & { id: number }): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.waiting.set(m.id, { resolve: resolve as (r: FromWorker) => void, reject });
      this.worker.postMessage(m);
    });
  }

  private fail(e: ZerodropError): void {
    this.failure ??= e;
    for (const w of this.waiting.values()) w.reject(this.failure);
    this.waiting.clear();
  }

  // Even ports from a rotating cursor, skipping our own; the worker takes the first that binds.
  private candidatePorts(): number[] {
    const { portMin, portMax } = this.opts;
    if (portMin === undefined || portMax === undefined) return [0];
    const first = portMin + (portMin % 2);
    const count = Math.floor((portMax - first) / 2) + 1;
    const ports: number[] = [];
    for (let i = 0; i < count && ports.length < 32; i++) {
      const p = first + 2 * ((this.portCursor + i) % count);
      if (!this.portsInUse.has(p)) ports.push(p);
    }
    this.portCursor = (this.portCursor + 1) % Math.max(1, count);
    return ports;
  }

  private toClockMs(workerMs: number): number {
    const clock = this.opts.clock ?? systemClock;
    return clock === systemClock ? workerMs : workerMs + clock.nowMs() - hrNowMs();
  }

  private onMessage(m: FromWorker): void {
    if (m.t === 'batch') {
      for (const item of m.items) this.onItem(item);
      return;
    }
    const id = m.t === 'closed' ? 0 : 'id' in m ? m.id : undefined;
    if (id === undefined) return;
    const w = this.waiting.get(id);
    this.waiting.delete(id);
    w?.resolve(m);
  }

  private onItem(item: WorkerItem): void {
    if ('stall' in item) {
      this.stalls.add(item.stall);
      return;
    }
    if ('stopped' in item) {
      const stream = this.streams.get(item.stopped);
      if (!stream) return;
      this.streams.delete(item.stopped);
      this.portsInUse.delete(stream.localPort);
      this.freeSlots.push(item.stopped);
      const stats = stream.markFinished();
      this.emit(stream.callId, EventKind.mediaStats, this.toClockMs(hrNowMs()), { ...stats });
      return;
    }
    const stream = this.streams.get(item.slot);
    if (stream) this.onObservation(stream, item.o);
  }

  private onObservation(stream: WorkerMediaStream, o: ReceiverObservation): void {
    if (o.kind === 'started') stream.source = o.source;
    if (o.kind === 'source-changed') stream.source = splitSource(o.to).address;
    this.opts.sink?.(
      mediaEvent(o, {
        callId: stream.callId,
        direction: stream.direction,
        toClockMs: (ms) => this.toClockMs(ms),
        callIdOf: (key) => this.callIdByKey.get(key),
        otherStallMs: (from, to) => this.stalls.overlapMs(from, to),
        ptimeMs: PTIME_MS,
      }),
    );
  }

  private emit(callId: string, kind: string, timeMs: number, value: Record<string, unknown>): void {
    const draft: EventDraft = { timeMs, process: callId, type: 'info', kind, value };
    this.opts.sink?.(draft);
  }
}
