import { describe, expect, it } from 'vitest';
import { RtpPort } from './rtp-port.js';

// Seen in the lab: two legs of one bridge got the same RTP port (reuseAddr let the second bind succeed),
// and one direction of the call carried another leg's audio.
describe('RtpPort.bindInRange', () => {
  it('never hands the same port to two legs allocated at once in a small range', async () => {
    const ports = await Promise.all(
      Array.from({ length: 8 }, () => RtpPort.bindInRange('127.0.0.1', 41_000, 41_015, new Set())),
    );
    try {
      expect(new Set(ports.map((p) => p.port)).size).toBe(8);
    } finally {
      for (const p of ports) p.close();
    }
  });
});
