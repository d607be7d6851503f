// The drift-free send schedule of one stream: absolute deadlines every ptime, never "now + interval".

/** What to do with one due packet slot. */
export type SlotAction =
  /** Transmit it. */
  | 'send'
  /** Injected loss: consume its sequence number, transmit nothing (looks like network loss). */
  | 'drop'
  /** Injected pause: transmit nothing, keep the sequence contiguous (looks like a silent sender). */
  | 'hold'
  /** Too late after a local stall: skip without consuming a sequence number (no fake loss). */
  | 'skip';

interface Pause {
  fromMs: number;
  untilMs: number;
  consumeSequence: boolean;
}

/**
 * Deadlines are startMs + k * ptimeMs. Each tick walks every deadline up to now, so a late tick catches up
 * (at most maxCatchUp packets in a burst; older slots are skipped, as a real sender would after a stall).
 */
export class SendSchedule {
  /** The next deadline (ms). */
  nextMs: number;
  private readonly pauses: Pause[] = [];
  /** Slots skipped because the tick came too late. */
  skipped = 0;

  constructor(
    startMs: number,
    readonly ptimeMs = 20,
    readonly maxCatchUp = 5,
  ) {
    this.nextMs = startMs;
  }

  /** Transmits nothing for slots whose deadline falls in [fromMs, fromMs + durationMs). */
  pause(fromMs: number, durationMs: number, consumeSequence: boolean): void {
    this.pauses.push({ fromMs, untilMs: fromMs + durationMs, consumeSequence });
  }

  /** Calls onSlot(deadlineMs, action) for every slot due at nowMs, oldest first. */
  run(nowMs: number, onSlot: (deadlineMs: number, action: SlotAction) => void): void {
    while (this.nextMs <= nowMs) {
      const deadline = this.nextMs;
      this.nextMs += this.ptimeMs;
      if (nowMs - deadline >= this.maxCatchUp * this.ptimeMs) {
        this.skipped++;
        onSlot(deadline, 'skip');
        continue;
      }
      onSlot(deadline, this.pausedAction(deadline));
    }
  }

  private pausedAction(deadline: number): SlotAction {
    while (this.pauses.length > 0 && (this.pauses[0]?.untilMs ?? 0) <= deadline) this.pauses.shift();
    const p = this.pauses[0];
    if (p === undefined || deadline < p.fromMs) return 'send';
    return p.consumeSequence ? 'drop' : 'hold';
  }
}
