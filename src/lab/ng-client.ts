// RTPEngine's ng control protocol over UDP: "<cookie> <bencoded dict>" out, the same cookie back.

import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { ZerodropError } from '../common/errors.js';
import { type BencodeValue, bdecode, bencode } from './bencode.js';

/** Options of one ng request. */
export interface NgRequestOptions {
  /** Give up after this many ms (default 1000). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Sends one ng command (e.g. {command: 'ping'}) and resolves with RTPEngine's reply dictionary. */
export function ngRequest(
  host: string,
  port: number,
  message: Record<string, BencodeValue>,
  { timeoutMs = 1_000, signal }: NgRequestOptions = {},
): Promise<Record<string, BencodeValue>> {
  const cookie = randomBytes(6).toString('hex');
  const socket = createSocket('udp4');
  return new Promise<Record<string, BencodeValue>>((resolve, reject) => {
    const done = (fn: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.close();
      fn();
    };
    const onAbort = () =>
      done(() => reject(new ZerodropError(`ng ${message.command} to ${host}:${port} aborted`)));
    const timer = setTimeout(
      () =>
        done(() =>
          reject(new ZerodropError(`ng ${message.command} to ${host}:${port}: no reply in ${timeoutMs} ms`)),
        ),
      timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (e) => done(() => reject(e)));
    socket.on('message', (msg) => {
      const space = msg.indexOf(0x20);
      if (space < 0 || msg.subarray(0, space).toString() !== cookie) return; // a stray or late reply
      try {
        const reply = bdecode(msg.subarray(space + 1));
        if (typeof reply !== 'object' || Array.isArray(reply))
          throw new ZerodropError('ng reply is not a dictionary');
        done(() => resolve(reply));
      } catch (e) {
        done(() => reject(e));
      }
    });
    socket.send(Buffer.concat([Buffer.from(`${cookie} `), bencode(message)]), port, host);
  });
}
