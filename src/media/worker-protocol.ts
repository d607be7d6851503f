// Messages between the MediaEngine (main thread) and the media worker that owns the sockets.
import type { CallSide } from '../common/event-kinds.js';
import type { ReceiverObservation } from './stream-receiver.js';

/** Settings the worker needs once. */
export interface WorkerConfig {
  counters: SharedArrayBuffer;
  maxStreams: number;
  ptimeMs: number;
  tickMs: number;
  gapThresholdMs: number;
  doubledWindowMs: number;
  stallToleranceMs: number;
  maxCatchUp: number;
  /** Nice value for the worker thread, or null to leave it. */
  priority: number | null;
}

/** Main thread -> worker. */
export type ToWorker =
  | {
      t: 'open';
      id: number;
      slot: number;
      bindIp: string;
      /** Candidate ports in order; [0] means any free port. */
      ports: number[];
      callKey: number;
      side: CallSide;
      expect: { callKey: number; side: CallSide };
    }
  | { t: 'remote'; slot: number; ip: string; port: number }
  | { t: 'start'; slot: number }
  | { t: 'stop'; slot: number }
  | { t: 'pause'; id: number; slot: number; durationMs: number; consumeSequence: boolean }
  | { t: 'health'; id: number }
  | { t: 'block'; id: number; ms: number }
  | { t: 'close' };

/** Worker -> main thread. */
export type FromWorker =
  | { t: 'ready' }
  | { t: 'opened'; id: number; port: number }
  | { t: 'open-failed'; id: number; error: string }
  | { t: 'paused'; id: number; fromMs: number; slots: number; wireSilenceMs: number }
  | { t: 'batch'; items: WorkerItem[] }
  | ({ t: 'health'; id: number } & WorkerHealth)
  | { t: 'blocked'; id: number }
  | { t: 'closed' };

/** How late the worker's own loop has been. */
export interface WorkerHealth {
  /** Longest stall of the worker's tick (ms). */
  maxStallMs: number;
  totalStallMs: number;
  /** monitorEventLoopDelay of the worker (ms). */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** Whether the requested thread priority took effect. */
  priorityApplied: boolean;
}

/** One entry of a batch: an observation of a stream, a stall, or a stream that has stopped. */
export type WorkerItem =
  | { slot: number; o: ReceiverObservation }
  | { stall: { startMs: number; endMs: number } }
  | { stopped: number };
