// The media identity payload: what every RTP packet we send carries so a receiver knows whose audio it is.
import type { CallSide } from '../common/event-kinds.js';

/** PCMU payload bytes per 20 ms packet (8 kHz, one byte per sample). */
export const PAYLOAD_BYTES = 160;
/** Bytes of the identity header at the start of the payload; the rest is a PCMU tone. */
export const IDENTITY_BYTES = 24;
/** 'ZDRP': marks a payload as ours; anything else is unknown audio. */
const MAGIC = 0x5a445250;
const VERSION = 1;

/** Whose audio a packet is and where in that sender's stream it sits. */
export interface MediaIdentity {
  /** Numeric key of the call (uint32), unique among the harness's live calls. */
  callKey: number;
  side: CallSide;
  /** Per-stream packet sequence (uint32), independent of the RTP sequence that relays rewrite. */
  seq: number;
  /** Sender's scheduled send time, monotonic ms (same clock in both ends: the harness plays both). */
  sendMs: number;
}

// A 400 Hz tone (8000/400 = 20 samples per cycle, so 160 samples hold whole cycles) at about -20 dBm0.
const TONE = (() => {
  const tone = new Uint8Array(PAYLOAD_BYTES);
  for (let i = 0; i < PAYLOAD_BYTES; i++) {
    tone[i] = linearToPcmu(Math.round(3000 * Math.sin((2 * Math.PI * i) / 20)));
  }
  return tone;
})();

/** G.711 mu-law encoding of one 16-bit linear sample. */
export function linearToPcmu(sample: number): number {
  const BIAS = 0x84;
  const sign = sample < 0 ? 0x80 : 0;
  const magnitude = Math.min(Math.abs(sample), 32635) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** 16-bit Fletcher sum over the identity fields, so random audio never passes for an identity. */
function checksum(buf: Uint8Array, from: number, to: number): number {
  // 22 bytes cannot overflow: reduce once at the end instead of per byte (hot path, twice per packet).
  let a = 0;
  let b = 0;
  for (let i = from; i < to; i++) {
    a += buf[i] ?? 0;
    b += a;
  }
  return ((b % 255) << 8) | (a % 255);
}

/** Encodes and decodes the identity payload in place (no allocation on the hot path). */
export const MediaPayload = {
  /** Writes a full 160-byte payload (identity + tone) at offset. */
  write(buf: Buffer, offset: number, id: MediaIdentity): void {
    buf.set(TONE, offset);
    buf.writeUInt32BE(MAGIC, offset);
    buf.writeUInt32BE(id.callKey >>> 0, offset + 4);
    buf[offset + 8] = id.side === 'caller' ? 0 : 1;
    buf[offset + 9] = VERSION;
    buf.writeUInt32BE(id.seq >>> 0, offset + 10);
    buf.writeDoubleBE(id.sendMs, offset + 14);
    buf.writeUInt16BE(checksum(buf, offset, offset + 22), offset + 22);
  },

  /**
   * Rewrites only the per-packet fields (seq, send time, checksum) of a payload that write() produced:
   * the hot path copies a per-stream template and stamps it.
   */
  stamp(buf: Buffer, offset: number, seq: number, sendMs: number): void {
    buf.writeUInt32BE(seq >>> 0, offset + 10);
    buf.writeDoubleBE(sendMs, offset + 14);
    buf.writeUInt16BE(checksum(buf, offset, offset + 22), offset + 22);
  },

  /** Reads the identity at offset, or undefined when the payload is not ours (or damaged). */
  read(buf: Buffer, offset: number): MediaIdentity | undefined {
    const id: MediaIdentity = { callKey: 0, side: 'caller', seq: 0, sendMs: 0 };
    return MediaPayload.readInto(buf, offset, id) ? id : undefined;
  },

  /**
   * Like read(), into an object the caller keeps (the receive hot path: no object per packet).
   * Returns false, leaving out in any state, when the payload is not ours (or damaged).
   */
  readInto(buf: Buffer, offset: number, out: MediaIdentity): boolean {
    if (buf.length < offset + IDENTITY_BYTES) return false;
    if (buf.readUInt32BE(offset) !== MAGIC || buf[offset + 9] !== VERSION) return false;
    if (buf.readUInt16BE(offset + 22) !== checksum(buf, offset, offset + 22)) return false;
    const sideByte = buf[offset + 8];
    if (sideByte !== 0 && sideByte !== 1) return false;
    out.callKey = buf.readUInt32BE(offset + 4);
    out.side = sideByte === 0 ? 'caller' : 'callee';
    out.seq = buf.readUInt32BE(offset + 10);
    out.sendMs = buf.readDoubleBE(offset + 14);
    return true;
  },
} as const;
