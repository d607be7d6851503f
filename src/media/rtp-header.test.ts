import { describe, expect, it } from 'vitest';
import { RtpHeader } from './rtp-header.js';

describe('RtpHeader', () => {
  it('writes what it parses', () => {
    const buf = Buffer.alloc(172);
    RtpHeader.write(buf, { payloadType: 0, marker: true, seq: 0x1_0005, timestamp: 0xffff_ffff, ssrc: 42 });
    expect(RtpHeader.parse(buf)).toEqual({
      payloadType: 0,
      marker: true,
      seq: 5,
      timestamp: 0xffff_ffff,
      ssrc: 42,
      payloadOffset: 12,
      payloadLength: 160,
    });
  });

  it('skips CSRCs, the header extension and padding', () => {
    // V=2, P=1, X=1, CC=1; then CSRC, extension header (1 word), payload 4 bytes, padding 2.
    const buf = Buffer.from([
      0xb1, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9, /* csrc */ 0, 0, 0, 1, /* ext */ 0xbe, 0xde, 0, 1, 1, 2, 3, 4,
      /* payload */ 0xaa, 0xbb, 0xcc, 0xdd, /* padding */ 0, 2,
    ]);
    const h = RtpHeader.parse(buf);
    expect(h?.payloadOffset).toBe(24);
    expect(h?.payloadLength).toBe(4);
  });

  it('refuses non-RTP, truncated and RTCP datagrams', () => {
    expect(RtpHeader.parse(Buffer.from('INVITE sip:x SIP/2.0'))).toBeUndefined();
    expect(RtpHeader.parse(Buffer.alloc(8, 0x80))).toBeUndefined();
    const rtcp = Buffer.alloc(28);
    rtcp[0] = 0x80;
    rtcp[1] = 200; // sender report
    expect(RtpHeader.parse(rtcp)).toBeUndefined();
  });

  it('finds the payload offset without building a header object, refusing what parse refuses', () => {
    const buf = Buffer.alloc(172);
    RtpHeader.write(buf, { payloadType: 0, marker: false, seq: 1, timestamp: 2, ssrc: 0xfeedf00d });
    expect(RtpHeader.payloadOffset(buf)).toBe(12);
    expect(RtpHeader.ssrc(buf)).toBe(0xfeedf00d);
    const withExtension = Buffer.from([
      0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9, 0xbe, 0xde, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(RtpHeader.payloadOffset(withExtension)).toBe(24);
    const rtcp = Buffer.alloc(28);
    rtcp[0] = 0x80;
    rtcp[1] = 201;
    expect(RtpHeader.payloadOffset(rtcp)).toBe(-1);
    const overPadded = Buffer.alloc(20);
    overPadded[0] = 0xa0; // P=1, padding count in the last byte larger than the payload
    overPadded[19] = 9;
    expect(RtpHeader.payloadOffset(overPadded)).toBe(-1);
    expect(RtpHeader.parse(overPadded)).toBeUndefined();
    expect(RtpHeader.payloadOffset(Buffer.alloc(11, 0x80))).toBe(-1);
  });
});
