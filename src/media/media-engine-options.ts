// Options and reports of the MediaEngine.
import type { Clock } from '../common/clock.js';
import type { EventSink } from '../common/event.js';
import type { CallSide } from '../common/event-kinds.js';
import type { WorkerHealth } from './worker-protocol.js';

export interface MediaEngineOptions {
  /** Local address every RTP socket binds to (and that SDP should advertise). */
  bindIp: string;
  /** Lowest RTP port (even ports are used); without portMin/portMax the OS picks free ports. */
  portMin?: number;
  /** Highest RTP port, inclusive. */
  portMax?: number;
  /** Timestamps of events and stats; default systemClock. */
  clock?: Clock;
  /** Receives media.* events (process = the call's id). */
  sink?: EventSink;
  /** Smallest silence reported as media.gap (ms), default 50 (see GapTracker). */
  gapThresholdMs?: number;
  /** Two sources count as simultaneous within this window (ms), default 100. */
  doubledWindowMs?: number;
  /** Worker tick interval (ms), default 10 (5 costs ~15% more CPU); deadlines stay on the 20 ms grid. */
  tickMs?: number;
  /** Lateness beyond the tick that counts as a local stall (ms), default 15. */
  stallToleranceMs?: number;
  /** Most streams open at once, default 4096. */
  maxStreams?: number;
  /**
   * Nice value for the media worker thread only (Linux nice is per thread), default -10: media timing
   * comes before the harness's own SIP and bookkeeping. Best effort: ignored when not permitted (see
   * health().worker.priorityApplied). With sched_autogroup (Debian default) it ranks the worker only
   * within this process's session, not against other sessions. null leaves it alone.
   */
  workerPriority?: number | null;
}

/** Options of openStream. */
export interface OpenStreamOptions {
  callId: string;
  /** The call's numeric identity (uint32) written into every payload. */
  callKey: number;
  side: CallSide;
  /** Whose audio this stream should receive (an echo call's caller expects its own identity). */
  expect: { callKey: number; side: CallSide };
}

/** Local stall and loop-delay figures of both threads (ms). */
export interface MediaEngineHealth {
  worker: WorkerHealth;
  main: { maxStallMs: number; totalStallMs: number; loopDelayP99Ms: number; loopDelayMaxMs: number };
}
