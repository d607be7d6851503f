// Bencode, the encoding of RTPEngine's ng control protocol (dictionaries, lists, byte strings, integers).
import { ZerodropError } from '../common/errors.js';

/** A bencode value as JavaScript sees it (byte strings decoded as UTF-8). */
export type BencodeValue = string | number | BencodeValue[] | { [key: string]: BencodeValue };

/** Encodes a value; dictionary keys are sorted as the format requires. */
export function bencode(value: BencodeValue): Buffer {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new ZerodropError(`bencode: ${value} is not an integer`);
    return Buffer.from(`i${value}e`);
  }
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([Buffer.from(`${bytes.length}:`), bytes]);
  }
  if (Array.isArray(value)) return Buffer.concat([Buffer.from('l'), ...value.map(bencode), Buffer.from('e')]);
  const keys = Object.keys(value).sort();
  return Buffer.concat([
    Buffer.from('d'),
    ...keys.flatMap((k) => [bencode(k), bencode(value[k] as BencodeValue)]),
    Buffer.from('e'),
  ]);
}

/** Decodes one complete value; throws on malformed or trailing input. */
export function bdecode(buf: Buffer): BencodeValue {
  let at = 0;
  const fail = (why: string): never => {
    throw new ZerodropError(`bdecode: ${why} at byte ${at}`);
  };
  const next = (): BencodeValue => {
    const c = buf[at];
    if (c === undefined) return fail('unexpected end');
    if (c === 0x69 /* i */) {
      const end = buf.indexOf(0x65, at);
      if (end < 0) return fail('unterminated integer');
      const n = Number(buf.subarray(at + 1, end).toString());
      if (!Number.isInteger(n)) return fail('bad integer');
      at = end + 1;
      return n;
    }
    if (c === 0x6c /* l */ || c === 0x64 /* d */) {
      at++;
      const items: BencodeValue[] = [];
      while (buf[at] !== 0x65) {
        if (at >= buf.length) return fail('unterminated container');
        items.push(next());
      }
      at++;
      if (c === 0x6c) return items;
      const dict: Record<string, BencodeValue> = {};
      for (let i = 0; i + 1 < items.length; i += 2) dict[String(items[i])] = items[i + 1] as BencodeValue;
      return dict;
    }
    const colon = buf.indexOf(0x3a, at);
    if (colon < 0 || c < 0x30 || c > 0x39) return fail('bad string length');
    const len = Number(buf.subarray(at, colon).toString());
    const start = colon + 1;
    if (start + len > buf.length) return fail('string past end');
    at = start + len;
    return buf.subarray(start, at).toString('utf8');
  };
  const value = next();
  if (at !== buf.length) fail('trailing bytes');
  return value;
}
