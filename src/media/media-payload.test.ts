import { describe, expect, it } from 'vitest';
import { linearToPcmu, type MediaIdentity, MediaPayload, PAYLOAD_BYTES } from './media-payload.js';

describe('MediaPayload', () => {
  it('round-trips the identity of a packet', () => {
    const buf = Buffer.alloc(12 + PAYLOAD_BYTES);
    MediaPayload.write(buf, 12, {
      callKey: 0xdeadbeef,
      side: 'callee',
      seq: 4_000_000_001,
      sendMs: 12345.678,
    });
    expect(MediaPayload.read(buf, 12)).toEqual({
      callKey: 0xdeadbeef,
      side: 'callee',
      seq: 4_000_000_001,
      sendMs: 12345.678,
    });
  });

  it('stamps a template into the same bytes a full write gives', () => {
    const template = Buffer.alloc(PAYLOAD_BYTES);
    MediaPayload.write(template, 0, { callKey: 3, side: 'caller', seq: 0, sendMs: 0 });
    const stamped = Buffer.from(template);
    MediaPayload.stamp(stamped, 0, 77, 1540.5);
    const full = Buffer.alloc(PAYLOAD_BYTES);
    MediaPayload.write(full, 0, { callKey: 3, side: 'caller', seq: 77, sendMs: 1540.5 });
    expect(stamped.equals(full)).toBe(true);
    expect(MediaPayload.read(stamped, 0)).toEqual({ callKey: 3, side: 'caller', seq: 77, sendMs: 1540.5 });
  });

  it('rejects foreign audio and damaged identities', () => {
    const silence = Buffer.alloc(PAYLOAD_BYTES, 0xff);
    expect(MediaPayload.read(silence, 0)).toBeUndefined();
    const buf = Buffer.alloc(PAYLOAD_BYTES);
    MediaPayload.write(buf, 0, { callKey: 7, side: 'caller', seq: 1, sendMs: 1 });
    buf[5] = (buf[5] ?? 0) ^ 0x01; // flip one bit of the callKey
    expect(MediaPayload.read(buf, 0)).toBeUndefined();
    expect(MediaPayload.read(buf.subarray(0, 10), 0)).toBeUndefined();
  });

  it('fills the rest with a PCMU tone, not silence', () => {
    const buf = Buffer.alloc(PAYLOAD_BYTES);
    MediaPayload.write(buf, 0, { callKey: 1, side: 'caller', seq: 0, sendMs: 0 });
    const tail = new Set(buf.subarray(24));
    expect(tail.size).toBeGreaterThan(5);
  });

  it('encodes mu-law like G.711', () => {
    expect(linearToPcmu(0)).toBe(0xff);
    expect(linearToPcmu(-1)).toBe(0x7f);
    expect(linearToPcmu(32767)).toBe(0x80);
    expect(linearToPcmu(-32768)).toBe(0x00);
  });

  it('reads into a kept object, packet after packet, and refuses foreign audio', () => {
    const out: MediaIdentity = { callKey: 0, side: 'caller', seq: 0, sendMs: 0 };
    const buf = Buffer.alloc(PAYLOAD_BYTES);
    MediaPayload.write(buf, 0, { callKey: 9, side: 'callee', seq: 5, sendMs: 100 });
    expect(MediaPayload.readInto(buf, 0, out)).toBe(true);
    expect(out).toEqual({ callKey: 9, side: 'callee', seq: 5, sendMs: 100 });
    MediaPayload.stamp(buf, 0, 6, 120);
    expect(MediaPayload.readInto(buf, 0, out)).toBe(true);
    expect(out).toEqual({ callKey: 9, side: 'callee', seq: 6, sendMs: 120 });
    expect(MediaPayload.readInto(Buffer.alloc(PAYLOAD_BYTES, 0xff), 0, out)).toBe(false);
  });
});
