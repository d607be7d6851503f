// The UAS core's 2xx retransmission (RFC 3261 13.3.1.4): T1 doubling to T2 until the ACK, give up at 64*T1.
import type { SipEndpoint } from './sip-endpoint.js';
import type { SipResponse } from './sip-message.js';
import type { TimerHandle } from './sip-timers.js';

/** Retransmits one 2xx at a time per session (a new one replaces the old). */
export class TwoXxRetransmitter {
  private timer: TimerHandle | undefined;
  private deadline: TimerHandle | undefined;
  private pendingSeq: number | undefined;
  private done: ((ok: boolean) => void) | undefined;

  constructor(private readonly endpoint: SipEndpoint) {}

  /** Starts retransmitting res (already sent once) until acked(seq) or 64*T1. */
  start(res: SipResponse, seq: number, done: (ok: boolean) => void): void {
    this.finish(false);
    this.pendingSeq = seq;
    this.done = done;
    const { T1, T2, H } = this.endpoint.timers;
    const host = this.endpoint.timerHost;
    const again = (interval: number) => {
      this.timer = host.schedule(interval, () => {
        this.endpoint.sendResponse(res);
        again(Math.min(2 * interval, T2));
      });
    };
    again(T1);
    this.deadline = host.schedule(H, () => this.finish(false));
  }

  /** An ACK with this CSeq arrived: stop, report success. */
  acked(seq: number): void {
    if (seq === this.pendingSeq) this.finish(true);
  }

  /** Stops without reporting. */
  stop(): void {
    this.clear();
    this.done = undefined;
  }

  private finish(ok: boolean): void {
    const done = this.done;
    this.clear();
    this.done = undefined;
    done?.(ok);
  }

  private clear(): void {
    this.timer?.cancel();
    this.deadline?.cancel();
    this.timer = undefined;
    this.deadline = undefined;
    this.pendingSeq = undefined;
  }
}
