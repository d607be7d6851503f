import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cseqOf, tagsOf, topViaOf } from './sip-message.js';
import { parseSipMessage } from './sip-parser.js';
import { serializeSipMessage } from './sip-serializer.js';

const FIXTURES = '/work/shared/fixtures/freeswitch-1.10.12/sip';

/** The datagrams a sofia trace file says were received, cut by their logged byte count. */
function tracedDatagrams(file: string): Buffer[] {
  const text = readFileSync(`${FIXTURES}/${file}`);
  const out: Buffer[] = [];
  const re = /UDP message received \[(\d+)\] bytes :\n\n/g;
  for (const m of text.toString('latin1').matchAll(re)) {
    const start = (m.index ?? 0) + m[0].length;
    out.push(text.subarray(start, start + Number(m[1])));
  }
  return out;
}

describe('parseSipMessage', () => {
  it('parses the recovery re-INVITE FreeSWITCH sent to the caller', () => {
    const [raw] = tracedDatagrams('sample-reinvite-to-caller.txt');
    const r = parseSipMessage(raw ?? '');
    if (!r.ok || r.message.kind !== 'request') throw new Error(r.ok ? 'not a request' : r.error);
    const m = r.message;
    expect(m.method).toBe('INVITE');
    expect(m.uri).toBe('sip:sipp@127.0.0.1:5070');
    expect(cseqOf(m)).toEqual({ seq: 123331595, method: 'INVITE' });
    expect(tagsOf(m)).toEqual({ fromTag: 'Bj22tHNNtgBvH', toTag: '26221SIPpTag001' });
    expect(topViaOf(m)?.params.get('branch')).toBe('z9hG4bK6NXNvv91FFc9a');
    expect(topViaOf(m)?.port).toBeUndefined();
    expect(m.body).toContain('m=audio 16642 RTP/AVP 0 101 13');
    expect(Buffer.byteLength(m.body)).toBe(232);
    expect(m.headers.get('content-type')).toBe('application/sdp');
  });

  it('expands compact forms and reads list headers case-insensitively', () => {
    const raw = [
      'OPTIONS sip:a@127.0.0.1 SIP/2.0',
      'v: SIP/2.0/UDP 127.0.0.9:5070;branch=z9hG4bKa, SIP/2.0/UDP 127.0.0.8;branch=z9hG4bKb',
      'VIA: SIP/2.0/UDP 127.0.0.7;branch=z9hG4bKc',
      'f: <sip:x@h>;tag=1',
      't: "Bob, Jr." <sip:y@h>',
      'i: abc',
      'CSEQ: 7 OPTIONS',
      'm: <sip:x@127.0.0.9:5070>',
      'l: 0',
      '',
      '',
    ].join('\r\n');
    const r = parseSipMessage(raw);
    if (!r.ok) throw new Error(r.error);
    const h = r.message.headers;
    expect(h.getAll('Via')).toHaveLength(3);
    expect(h.get('call-id')).toBe('abc');
    expect(h.get('To')).toBe('"Bob, Jr." <sip:y@h>');
    expect(h.get('Contact')).toBe('<sip:x@127.0.0.9:5070>');
    expect(cseqOf(r.message)).toEqual({ seq: 7, method: 'OPTIONS' });
  });

  it('honours Content-Length: truncates extra bytes, rejects a body shorter than announced', () => {
    const head =
      'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>;tag=2\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n';
    const ok = parseSipMessage(`${head}Content-Length: 3\r\n\r\nabcdef`);
    expect(ok.ok && ok.message.body).toBe('abc');
    const short = parseSipMessage(`${head}Content-Length: 30\r\n\r\nabc`);
    expect(short.ok).toBe(false);
  });

  it('rejects garbage without throwing', () => {
    for (const junk of [
      '',
      '\r\n\r\n',
      'hello world',
      'INVITE sip:x SIP/2.0\r\nVia: x\r\n\r\n',
      Buffer.from([0, 1, 2, 255]),
    ]) {
      expect(parseSipMessage(junk).ok).toBe(false);
    }
  });

  it('round-trips through the serializer with a recomputed Content-Length', () => {
    const [raw] = tracedDatagrams('sample-reinvite-to-callee.txt');
    const r = parseSipMessage(raw ?? '');
    if (!r.ok) throw new Error(r.error);
    const again = parseSipMessage(serializeSipMessage(r.message));
    if (!again.ok) throw new Error(again.error);
    const noLength = (e: Array<[string, string]>) => e.filter(([n]) => n !== 'Content-Length');
    expect(noLength(again.message.headers.entries())).toEqual(noLength(r.message.headers.entries()));
    expect(again.message.headers.get('l')).toBe('232');
    expect(again.message.body).toBe(r.message.body);
  });
});
