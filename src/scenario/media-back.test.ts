import { describe, expect, it } from 'vitest';
import type { EventDraft } from '../common/event.js';
import { FAULT_SETTLE_MS, mediaBackWindow, streamBack } from './media-back.js';

const ev = (timeMs: number, type: EventDraft['type'], kind = 'fault'): EventDraft => ({
  timeMs,
  process: 'nemesis',
  type,
  kind,
  value: {},
});

describe('mediaBackWindow', () => {
  it('counts media only from the fault’s end plus the settling time', () => {
    const w = mediaBackWindow([ev(5, 'info', 'runner.phase'), ev(1_000, 'invoke'), ev(1_088, 'ok')]);
    expect(w).toEqual({ faultMs: 1_000, countFromMs: 1_088 + FAULT_SETTLE_MS });
  });

  it('falls back to the invoke while the fault has not ended, and is undefined without a fault', () => {
    expect(mediaBackWindow([ev(1_000, 'invoke')])?.countFromMs).toBe(1_000 + FAULT_SETTLE_MS);
    expect(mediaBackWindow([ev(1_000, 'info', 'runner.phase')])).toBeUndefined();
  });
});

describe('streamBack', () => {
  it('does not take packets still in flight while the node dies as resumed media', () => {
    // the crash was invoked at 1000 and done at 1088: a packet at 1050 is the dying node's last
    const from = mediaBackWindow([ev(1_000, 'invoke'), ev(1_088, 'ok')])!.countFromMs;
    expect(streamBack({ lastPacketMs: 1_050, silentMs: 0 }, from)).toBe(false);
    expect(streamBack({ lastPacketMs: from + 20, silentMs: 10 }, from)).toBe(true);
    expect(streamBack({ lastPacketMs: from + 20, silentMs: 400 }, from)).toBe(false);
    expect(streamBack({ lastPacketMs: undefined, silentMs: 0 }, from)).toBe(false);
  });
});
