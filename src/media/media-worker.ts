// The media worker: owns every RTP socket, sends all streams from one drift-free tick, receives and measures.
import dgram from 'node:dgram';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { SendSchedule } from './send-schedule.js';
import { StallLog } from './stall-log.js';
import type { FromWorker, ToWorker, WorkerConfig, WorkerItem } from './worker-protocol.js';
import { type WorkerContext, WorkerStream } from './worker-stream.js';

const config = workerData as WorkerConfig;
const port = parentPort;
if (port === null) throw new Error('media-worker must run in a worker thread');

// Monotonic ms on the process-wide hrtime origin (same as systemClock), without a BigInt per call.
const hrBase = Number(process.hrtime.bigint()) / 1e6 - performance.now();
const nowMs = (): number => hrBase + performance.now();

// pid 0 = the calling thread on Linux: only this worker gets the priority, not the whole process.
let priorityApplied = false;
if (config.priority !== null) {
  try {
    os.setPriority(0, config.priority);
    priorityApplied = true;
  } catch {
    // not permitted (no CAP_SYS_NICE): run at normal priority
  }
}

const stalls = new StallLog(config.tickMs, config.stallToleranceMs);
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
let pending: WorkerItem[] = [];
let flushQueued = false;

function post(msg: FromWorker): void {
  port?.postMessage(msg);
}

function queue(item: WorkerItem): void {
  pending.push(item);
  if (!flushQueued) {
    flushQueued = true;
    setImmediate(flush);
  }
}

function flush(): void {
  flushQueued = false;
  if (pending.length === 0) return;
  const items = pending;
  pending = [];
  post({ t: 'batch', items });
}

// Lookup that answers synchronously: our addresses are literal IPs, and dns.lookup would add a tick per send.
const literalLookup = (address: string, _family: unknown, cb: (e: null, a: string, f: number) => void) =>
  cb(null, address, 4);

/** Time of the tick (or start) now sending. */
let tickNowMs = 0;
const ctx: WorkerContext = { config, stalls, nowMs, tickNowMs: () => tickNowMs, queue, post };
const streams = new Map<number, WorkerStream>();

function noteStall(at: number): void {
  const w = stalls.beat(at);
  if (w) queue({ stall: w });
}

function tick(): void {
  const now = nowMs();
  tickNowMs = now;
  noteStall(now);
  for (const s of streams.values()) {
    if (s.sending && s.schedule) s.schedule.run(now, s.onSlot);
  }
}

function bind(socket: dgram.Socket, ip: string, p: number): Promise<number> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(p, ip, () => {
      socket.off('error', reject);
      resolve(socket.address().port);
    });
  });
}

async function open(m: Extract<ToWorker, { t: 'open' }>): Promise<void> {
  // A socket that failed to bind cannot be bound again, so each candidate port gets a fresh socket.
  let lastError = 'no port to try';
  for (const p of m.ports) {
    const socket = dgram.createSocket({ type: 'udp4', lookup: literalLookup as never });
    try {
      const bound = await bind(socket, m.bindIp, p);
      // Unconnected UDP reports no ICMP errors on Linux; anything else must not kill the worker.
      socket.on('error', () => {});
      streams.set(m.slot, new WorkerStream(ctx, m.slot, socket, m.callKey, m.side, m.expect));
      post({ t: 'opened', id: m.id, port: bound });
      return;
    } catch (e) {
      socket.close();
      lastError = e instanceof Error ? e.message : String(e);
      if (!/EADDRINUSE|EACCES/.test(lastError)) break;
    }
  }
  post({ t: 'open-failed', id: m.id, error: lastError });
}

/** Sending begins once the stream is started and knows where to send. */
function maybeBegin(s: WorkerStream): void {
  if (!s.wantSend || s.sending || s.remotePort === 0) return;
  s.sending = true;
  const now = nowMs();
  tickNowMs = now;
  s.schedule ??= new SendSchedule(now, config.ptimeMs, config.maxCatchUp);
  s.schedule.run(now, s.onSlot);
}

function stop(slot: number): void {
  const s = streams.get(slot);
  if (!s) return;
  streams.delete(slot);
  s.sending = false;
  // A backlog of stop messages keeps the tick from running: that lateness is ours, not the peer's silence.
  stalls.check(nowMs());
  const pause = s.pendingPause;
  if (pause)
    post({ t: 'paused', id: pause.id, fromMs: pause.fromMs, slots: pause.slots, wireSilenceMs: Number.NaN });
  s.receiver.finish(nowMs());
  s.socket.close();
  queue({ stopped: slot });
}

port.on('message', (m: ToWorker) => {
  switch (m.t) {
    case 'open':
      void open(m);
      return;
    case 'remote': {
      const s = streams.get(m.slot);
      if (s) {
        s.remoteIp = m.ip;
        s.remotePort = m.port;
        maybeBegin(s);
      }
      return;
    }
    case 'start': {
      const s = streams.get(m.slot);
      if (s) {
        s.wantSend = true;
        maybeBegin(s);
      }
      return;
    }
    case 'stop':
      stop(m.slot);
      return;
    case 'pause': {
      const s = streams.get(m.slot);
      const from = nowMs();
      if (!s?.schedule || !s.sending) {
        post({ t: 'paused', id: m.id, fromMs: from, slots: 0, wireSilenceMs: 0 });
        return;
      }
      s.schedule.pause(from, m.durationMs, m.consumeSequence);
      s.pendingPause = {
        id: m.id,
        fromMs: from,
        untilMs: from + m.durationMs,
        begun: false,
        slots: 0,
        lastBeforeMs: Number.NaN,
      };
      return;
    }
    case 'health':
      post({
        t: 'health',
        id: m.id,
        maxStallMs: stalls.maxStallMs,
        totalStallMs: stalls.totalStallMs,
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
        loopDelayMaxMs: loopDelay.max / 1e6,
        priorityApplied,
      });
      return;
    case 'block': {
      // Test hook: a local stall on purpose (busy, like a long GC pause or a descheduled thread).
      const until = nowMs() + m.ms;
      while (nowMs() < until) {}
      post({ t: 'blocked', id: m.id });
      return;
    }
    case 'close': {
      clearInterval(timer);
      for (const slot of [...streams.keys()]) stop(slot);
      flush();
      loopDelay.disable();
      post({ t: 'closed' });
      port.close();
      return;
    }
  }
});

const timer = setInterval(tick, config.tickMs);
post({ t: 'ready' });
