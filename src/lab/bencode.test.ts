import { describe, expect, it } from 'vitest';
import { bdecode, bencode } from './bencode.js';

describe('bencode', () => {
  it('encodes an ng ping with sorted keys, as RTPEngine expects', () => {
    expect(bencode({ command: 'ping' }).toString()).toBe('d7:command4:pinge');
    expect(bencode({ b: 1, a: ['x', 2] }).toString()).toBe('d1:al1:xi2ee1:bi1ee');
  });
  it('counts string length in bytes, not characters', () => {
    expect(bencode('é').toString()).toBe('2:é');
  });
  it('round-trips a nested offer reply', () => {
    const v = { result: 'ok', sdp: 'v=0\r\nc=IN IP4 198.19.1.30\r\n', flags: ['trust-address'], n: -3 };
    expect(bdecode(bencode(v))).toEqual(v);
  });
  it('rejects truncated or trailing input', () => {
    expect(() => bdecode(Buffer.from('d6:result4:pon'))).toThrow(/bdecode/);
    expect(() => bdecode(Buffer.from('i1ei2e'))).toThrow(/trailing/);
  });
});
