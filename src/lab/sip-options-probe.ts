// A minimal SIP OPTIONS probe over UDP (RFC 3261 §11): enough to ask a proxy "are you there?".
// The lab may not import src/sip, so this speaks just one request and reads one status line.
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { ZerodropError } from '../common/errors.js';

/** Options of one OPTIONS probe. */
export interface SipOptionsProbeOptions {
  /** Give up after this many ms (default 1000). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The OPTIONS request text, From/To the probe, Via with rport so the reply comes back to our port. */
export function sipOptionsRequest(target: string, port: number, local: string, localPort: number): string {
  const branch = `z9hG4bK${randomBytes(8).toString('hex')}`;
  const tag = randomBytes(4).toString('hex');
  const callId = `${randomBytes(8).toString('hex')}@zerodrop-probe`;
  return [
    `OPTIONS sip:${target}:${port} SIP/2.0`,
    `Via: SIP/2.0/UDP ${local}:${localPort};branch=${branch};rport`,
    'Max-Forwards: 70',
    `From: <sip:probe@${local}>;tag=${tag}`,
    `To: <sip:${target}:${port}>`,
    `Call-ID: ${callId}`,
    'CSeq: 1 OPTIONS',
    `Contact: <sip:probe@${local}:${localPort}>`,
    'Accept: application/sdp',
    'User-Agent: zerodrop-lab-probe',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** The status code of a SIP response's first line, or undefined for anything else. */
export function sipStatusOf(message: string): number | undefined {
  const m = /^SIP\/2\.0 (\d{3}) /.exec(message);
  return m ? Number(m[1]) : undefined;
}

/** Sends OPTIONS to host:port and resolves with the final status code (1xx are skipped). */
export function sipOptionsProbe(
  host: string,
  port = 5060,
  { timeoutMs = 1_000, signal }: SipOptionsProbeOptions = {},
): Promise<number> {
  const socket = createSocket('udp4');
  return new Promise<number>((resolve, reject) => {
    const done = (fn: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.close();
      fn();
    };
    const onAbort = () => done(() => reject(new ZerodropError(`OPTIONS to ${host}:${port} aborted`)));
    const timer = setTimeout(
      () =>
        done(() => reject(new ZerodropError(`OPTIONS to ${host}:${port}: no response in ${timeoutMs} ms`))),
      timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (e) => done(() => reject(e)));
    socket.on('message', (msg) => {
      const status = sipStatusOf(msg.toString('utf8'));
      if (status !== undefined && status >= 200) done(() => resolve(status));
    });
    socket.connect(port, host, () => {
      const local = socket.address();
      socket.send(sipOptionsRequest(host, port, local.address, local.port));
    });
  });
}
