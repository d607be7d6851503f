// One leg's media port: echo, relay to the bridged leg, tone, or silence, on its own UDP socket.
import dgram from 'node:dgram';

/** What the port does with what it receives. */
export type MediaMode = 'echo' | 'relay' | 'tone' | 'conference' | 'mute';

const RTP_HEADER = 12;

/** A 440 Hz PCMU frame (20 ms): a byte pattern is enough, nobody listens to it. */
const TONE_FRAME = Buffer.alloc(160, 0);
for (let i = 0; i < 160; i++)
  TONE_FRAME[i] = 0x80 + Math.round(60 * Math.sin((2 * Math.PI * 440 * i) / 8000)) || 0xff;

/** A bound RTP port of one channel; FreeSWITCH re-stamps the RTP header with its own SSRC/seq/ts. */
/** ip:port held (or being bound) by this process's RTP ports. */
const inProcess = new Set<string>();

export class RtpPort {
  mode: MediaMode = 'mute';
  remote: { ip: string; port: number } | undefined;
  /** Ports that receive what this one receives (relay: the bridged leg; conference: the others). */
  peers: RtpPort[] = [];
  packetsIn = 0;
  packetsOut = 0;
  private seq = Math.floor(Math.random() * 65_535);
  private ts = Math.floor(Math.random() * 2 ** 31);
  private toneTimer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly socket: dgram.Socket,
    readonly ip: string,
    readonly port: number,
    readonly ssrc: number,
  ) {
    socket.on('message', (msg) => this.receive(msg));
    socket.on('error', () => {});
  }

  /** Binds ip:port (reuseAddr: a recovered leg may take a port another live process still holds). */
  static bind(ip: string, port: number): Promise<RtpPort> {
    const key = `${ip}:${port}`;
    inProcess.add(key);
    return new Promise<RtpPort>((resolve, reject) => {
      const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
      socket.once('error', reject);
      socket.bind({ address: ip, port, exclusive: true }, () => {
        socket.removeListener('error', reject);
        resolve(new RtpPort(socket, ip, port, Math.floor(Math.random() * 2 ** 32)));
      });
    }).catch((e: unknown) => {
      inProcess.delete(key);
      throw e;
    });
  }

  /** Binds the first free even port in [start, end], trying from a random offset. */
  static async bindInRange(
    ip: string,
    start: number,
    end: number,
    taken: ReadonlySet<number>,
  ): Promise<RtpPort> {
    const first = start + (start % 2);
    const count = Math.floor((end - first) / 2) + 1;
    const offset = Math.floor(Math.random() * count);
    for (let i = 0; i < count; i++) {
      const port = first + ((offset + i) % count) * 2;
      // SO_REUSEADDR lets this process bind a port it already holds: reserve before the (async) bind
      if (taken.has(port) || inProcess.has(`${ip}:${port}`)) continue;
      try {
        return await RtpPort.bind(ip, port);
      } catch {
        // in use by someone else: try the next one
      }
    }
    throw new Error(`no free RTP port in ${ip}:${start}-${end}`);
  }

  /** Starts sending a tone every 20 ms (the tone application). */
  startTone(): void {
    this.mode = 'tone';
    this.toneTimer ??= setInterval(() => this.send(TONE_FRAME), 20);
  }

  /** Sends one payload to the remote media address with this port's own RTP header. */
  send(payload: Buffer, payloadType = 0): void {
    if (this.closed || !this.remote) return;
    const h = Buffer.alloc(RTP_HEADER);
    h[0] = 0x80;
    h[1] = payloadType & 0x7f;
    this.seq = (this.seq + 1) & 0xffff;
    this.ts = (this.ts + payload.length) >>> 0;
    h.writeUInt16BE(this.seq, 2);
    h.writeUInt32BE(this.ts, 4);
    h.writeUInt32BE(this.ssrc, 8);
    this.packetsOut++;
    // header and payload as a list: no copy per packet (a conference sends each packet to every other member)
    this.socket.send([h, payload], this.remote.port, this.remote.ip);
  }

  private receive(msg: Buffer): void {
    if (msg.length < RTP_HEADER || (msg[0] ?? 0) >> 6 !== 2) return;
    this.packetsIn++;
    const pt = (msg[1] ?? 0) & 0x7f;
    if (pt >= 72 && pt <= 76) return; // RTCP on the RTP port
    const payload = msg.subarray(RTP_HEADER + ((msg[0] ?? 0) & 0x0f) * 4);
    if (this.mode === 'echo') this.send(payload, pt);
    else if (this.mode === 'relay' || this.mode === 'conference')
      for (const p of this.peers) p.send(payload, pt);
  }

  /** Releases the socket. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.toneTimer) clearInterval(this.toneTimer);
    this.socket.close();
    inProcess.delete(`${this.ip}:${this.port}`);
  }
}
