// One stream as the media worker runs it: builds and sends its packets, feeds its receiver.
import type dgram from 'node:dgram';
import type { CallSide } from '../common/event-kinds.js';
import { MediaPayload, PAYLOAD_BYTES } from './media-payload.js';
import { PT_PCMU, RTP_HEADER_BYTES, RtpHeader } from './rtp-header.js';
import type { SendSchedule, SlotAction } from './send-schedule.js';
import type { StallLog } from './stall-log.js';
import { Counter, counterSlot } from './stream-counters.js';
import { StreamReceiver } from './stream-receiver.js';
import type { FromWorker, WorkerConfig, WorkerItem } from './worker-protocol.js';

/** What the worker shares with its streams. */
export interface WorkerContext {
  config: WorkerConfig;
  stalls: StallLog;
  /** Monotonic ms (process hrtime origin). */
  nowMs: () => number;
  /** Time of the tick now sending: one clock read per batch, not per packet. */
  tickNowMs: () => number;
  /** Queues an item for the next batch to the main thread. */
  queue: (item: WorkerItem) => void;
  post: (m: FromWorker) => void;
}

/** One stream inside the worker: its socket, its send state and its receiver. */
export class WorkerStream {
  readonly counters: Float64Array;
  /** The stream's packet: written once, its per-packet fields stamped before each send. */
  private readonly packet: Buffer;
  readonly receiver: StreamReceiver;
  schedule: SendSchedule | undefined;
  remoteIp = '';
  remotePort = 0;
  sending = false;
  wantSend = false;
  private rtpSeq = Math.floor(Math.random() * 0x10000);
  private rtpTimestamp = Math.floor(Math.random() * 0x1_0000_0000);
  private readonly ssrc = Math.floor(Math.random() * 0x1_0000_0000);
  private payloadSeq = 0;
  private first = true;
  private lastSentAtMs = Number.NaN;
  /** An injected pause whose outcome is reported once sending resumes. */
  pendingPause:
    | { id: number; fromMs: number; untilMs: number; begun: boolean; slots: number; lastBeforeMs: number }
    | undefined;
  readonly onSlot = (deadlineMs: number, action: SlotAction): void => this.sendSlot(deadlineMs, action);

  constructor(
    private readonly ctx: WorkerContext,
    readonly slot: number,
    readonly socket: dgram.Socket,
    callKey: number,
    side: CallSide,
    expect: { callKey: number; side: CallSide },
  ) {
    const { config, stalls } = ctx;
    this.counters = counterSlot(config.counters, slot);
    // Everything constant about this stream's packets, written once; each packet is stamped in place.
    this.packet = Buffer.alloc(RTP_HEADER_BYTES + PAYLOAD_BYTES);
    RtpHeader.write(this.packet, {
      payloadType: PT_PCMU,
      marker: false,
      seq: 0,
      timestamp: 0,
      ssrc: this.ssrc,
    });
    MediaPayload.write(this.packet, RTP_HEADER_BYTES, { callKey, side, seq: 0, sendMs: 0 });
    this.receiver = new StreamReceiver(
      {
        expect,
        ptimeMs: config.ptimeMs,
        thresholdMs: config.gapThresholdMs,
        doubledWindowMs: config.doubledWindowMs,
      },
      this.counters,
      stalls,
      (o) => ctx.queue({ slot, o }),
    );
    socket.on('message', (msg, rinfo) => {
      const at = ctx.nowMs();
      stalls.check(at);
      this.receiver.receive(msg, rinfo.address, rinfo.port, at);
    });
  }

  private sendSlot(deadlineMs: number, action: SlotAction): void {
    const pause = this.pendingPause;
    if (pause && !pause.begun && deadlineMs >= pause.fromMs) {
      pause.begun = true;
      pause.lastBeforeMs = this.lastSentAtMs;
    }
    if (action === 'skip') {
      this.counters[Counter.sendSkipped]! += 1;
      return;
    }
    const seq = this.payloadSeq++;
    if (action !== 'send') {
      this.counters[Counter.injected]! += 1;
      if (action === 'hold') this.payloadSeq--;
      if (pause) pause.slots++;
      return;
    }
    // One buffer per stream, stamped in place: a send the kernel took at once (always on loopback) is done
    // with it on return; while libuv still queues one (send buffer full), it is copied instead.
    let buf = this.packet;
    if (this.socket.getSendQueueCount() > 0) buf = Buffer.from(buf);
    buf[1] = this.first ? 0x80 | PT_PCMU : PT_PCMU; // marker: first packet of the stream
    buf.writeUInt16BE(this.rtpSeq, 2);
    buf.writeUInt32BE(this.rtpTimestamp, 4);
    MediaPayload.stamp(buf, RTP_HEADER_BYTES, seq, deadlineMs);
    this.first = false;
    this.rtpSeq = (this.rtpSeq + 1) & 0xffff;
    this.rtpTimestamp = (this.rtpTimestamp + PAYLOAD_BYTES) >>> 0;
    this.socket.send(buf, this.remotePort, this.remoteIp);
    this.counters[Counter.sent]! += 1;
    this.lastSentAtMs = this.ctx.tickNowMs();
    if (pause && deadlineMs >= pause.untilMs) {
      this.pendingPause = undefined;
      // What was really on the wire: from the last packet before the pause to this one, minus one ptime.
      const wireSilenceMs = this.lastSentAtMs - pause.lastBeforeMs - this.ctx.config.ptimeMs;
      this.ctx.post({ t: 'paused', id: pause.id, fromMs: pause.fromMs, slots: pause.slots, wireSilenceMs });
    }
  }
}
