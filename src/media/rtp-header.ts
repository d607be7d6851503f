// The RTP fixed header (RFC 3550 section 5.1): what we write before every payload and read from every datagram.

/** Size of the fixed header without CSRCs or extensions. */
export const RTP_HEADER_BYTES = 12;
/** Static payload type of PCMU (RFC 3551 table 4). */
export const PT_PCMU = 0;

/** The fields of an RTP header we care about, plus where its payload starts. */
export interface RtpHeaderFields {
  payloadType: number;
  marker: boolean;
  /** 16-bit sequence number. */
  seq: number;
  /** 32-bit media timestamp (8 kHz units for PCMU). */
  timestamp: number;
  ssrc: number;
  /** Offset of the payload inside the datagram (after CSRCs and any header extension). */
  payloadOffset: number;
  /** Payload length without padding. */
  payloadLength: number;
}

/** Writes and parses RTP fixed headers in place. */
export const RtpHeader = {
  /** Writes a 12-byte version-2 header at offset 0. */
  write(
    buf: Buffer,
    h: { payloadType: number; marker: boolean; seq: number; timestamp: number; ssrc: number },
  ) {
    buf[0] = 0x80;
    buf[1] = (h.marker ? 0x80 : 0) | (h.payloadType & 0x7f);
    buf.writeUInt16BE(h.seq & 0xffff, 2);
    buf.writeUInt32BE(h.timestamp >>> 0, 4);
    buf.writeUInt32BE(h.ssrc >>> 0, 8);
  },

  /** Parses a datagram's header, or undefined when it is not RTP version 2 or is truncated. */
  parse(buf: Buffer): RtpHeaderFields | undefined {
    const offset = RtpHeader.payloadOffset(buf);
    if (offset < 0) return undefined;
    const b1 = buf[1] ?? 0;
    const end = (buf[0] ?? 0) & 0x20 ? buf.length - (buf[buf.length - 1] ?? 0) : buf.length;
    return {
      payloadType: b1 & 0x7f,
      marker: (b1 & 0x80) !== 0,
      seq: buf.readUInt16BE(2),
      timestamp: buf.readUInt32BE(4),
      ssrc: buf.readUInt32BE(8),
      payloadOffset: offset,
      payloadLength: end - offset,
    };
  },

  /**
   * Where the payload starts (after CSRCs and any header extension), or -1 when the datagram is not RTP
   * version 2, is RTCP, or is truncated. The receive hot path: no object per packet.
   */
  payloadOffset(buf: Buffer): number {
    const length = buf.length;
    if (length < RTP_HEADER_BYTES) return -1;
    const b0 = buf[0] ?? 0;
    if (b0 >> 6 !== 2) return -1;
    // RTCP shares ports in some setups (rtcp-mux); its packet types 200-204 look like PT 72-76 with marker.
    const pt = (buf[1] ?? 0) & 0x7f;
    if (pt >= 72 && pt <= 76) return -1;
    let offset = RTP_HEADER_BYTES + 4 * (b0 & 0x0f);
    if (b0 & 0x10) {
      if (length < offset + 4) return -1;
      offset += 4 + 4 * (((buf[offset + 2] ?? 0) << 8) | (buf[offset + 3] ?? 0));
    }
    const padding = b0 & 0x20 ? (buf[length - 1] ?? 0) : 0;
    return offset <= length - padding ? offset : -1;
  },

  /** The SSRC of a datagram that payloadOffset() accepted. */
  ssrc(buf: Buffer): number {
    return buf.readUInt32BE(8);
  },
} as const;
