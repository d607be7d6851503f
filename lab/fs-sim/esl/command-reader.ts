// Splits the client's byte stream into command packets, as read_packet() in mod_event_socket.c does:
// a packet ends at two consecutive LFs (CRs ignored), the first line is the command, then `Name: value`
// headers; a Content-Length header is followed by that many body bytes.
import type { EslPacket } from './esl-wire.js';

/** Largest body accepted (MAX_CONTENT_LENGTH in mod_event_socket.c is 10 MB); more closes the connection. */
const MAX_CONTENT_LENGTH = 10 * 1024 * 1024;

/** Incremental packet reader: push bytes, get complete packets. */
export class CommandReader {
  private buf: Buffer = Buffer.alloc(0);
  private pending: { command: string; headers: Record<string, string>; bodyLength: number } | undefined;

  /** Adds bytes; returns every packet completed by them. Throws on a Content-Length out of range. */
  push(data: Buffer): EslPacket[] {
    this.buf = this.buf.length === 0 ? data : Buffer.concat([this.buf, data]);
    const out: EslPacket[] = [];
    for (;;) {
      if (this.pending) {
        if (this.buf.length < this.pending.bodyLength) return out;
        const body = this.buf.subarray(0, this.pending.bodyLength).toString('utf8');
        this.buf = this.buf.subarray(this.pending.bodyLength);
        out.push({ command: this.pending.command, headers: this.pending.headers, body });
        this.pending = undefined;
        continue;
      }
      this.skipLeadingNewlines();
      const end = this.headerEnd();
      if (end < 0) return out;
      const text = this.buf.subarray(0, end).toString('utf8');
      this.buf = this.buf.subarray(this.afterHeader(end));
      const packet = parseHead(text);
      const clen = packet.headers['content-length'];
      const n = clen === undefined ? 0 : Number.parseInt(clen, 10);
      if (clen !== undefined && (!Number.isFinite(n) || n < 0 || n > MAX_CONTENT_LENGTH)) {
        throw new Error(`Content-Length '${clen}' out of range`);
      }
      if (n > 0) this.pending = { command: packet.command, headers: packet.headers, bodyLength: n };
      else out.push(packet);
    }
  }

  // read_packet() drops CR/LF before a command starts.
  private skipLeadingNewlines(): void {
    let i = 0;
    while (i < this.buf.length && (this.buf[i] === 0x0a || this.buf[i] === 0x0d)) i++;
    if (i > 0) this.buf = this.buf.subarray(i);
  }

  // Index where the header block ends: the first LF followed (after optional CRs) by another LF.
  private headerEnd(): number {
    for (let i = 0; i < this.buf.length; i++) {
      if (this.buf[i] !== 0x0a) continue;
      let j = i + 1;
      while (j < this.buf.length && this.buf[j] === 0x0d) j++;
      if (j < this.buf.length && this.buf[j] === 0x0a) return i;
    }
    return -1;
  }

  private afterHeader(end: number): number {
    let j = end + 1;
    while (this.buf[j] === 0x0d) j++;
    return j + 1;
  }
}

/** Command line + headers; header names are kept lower-case (FreeSWITCH looks them up case-insensitively). */
function parseHead(text: string): EslPacket {
  const lines = text.split('\n').map((l) => l.replace(/\r+$/, ''));
  const command = lines[0] ?? '';
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).replace(/^ +/, '');
  }
  return { command, headers, body: '' };
}
