// FreeSWITCH's URL encoding of channel variables in an XML CDR (switch_url_encode, no double encoding).

/** Characters FreeSWITCH escapes besides controls and non-ASCII (SWITCH_URL_UNSAFE). */
const UNSAFE = new Set('\r\n #%&+:;<=>?@[\\]^`{|}"');
const HEX = '0123456789ABCDEF';

const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Fa-f]$/.test(c);

/** Encodes like switch_url_encode(): '/', ',', '.', '-' stay; an existing %XX escape is kept as is. */
export function fsUrlEncode(value: string): string {
  if (/^[\x21\x24\x27-\x2a\x2c-\x39\x41-\x5a\x5f\x61-\x7a\x7e]*$/.test(value)) return value;
  let out = '';
  const bytes = Buffer.from(value, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    const ch = String.fromCharCode(b);
    if (
      ch === '%' &&
      isHex(String.fromCharCode(bytes[i + 1] ?? 0)) &&
      isHex(String.fromCharCode(bytes[i + 2] ?? 0))
    ) {
      out += ch;
      continue;
    }
    if (b < 0x20 || b > 0x7e || UNSAFE.has(ch)) out += `%${HEX[b >> 4]}${HEX[b & 15]}`;
    else out += ch;
  }
  return out;
}

/** Decodes %XX escapes (and leaves a stray '%' alone, as switch_url_decode does). */
export function fsUrlDecode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    // fast path: every stray '%' escaped first, so only real %XX sequences are decoded
    return decodeURIComponent(value.replace(/%(?![0-9A-Fa-f]{2})/g, '%25'));
  } catch {
    return decodeBytes(value); // escapes that are not UTF-8
  }
}

function decodeBytes(value: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    if (ch === '%' && isHex(value[i + 1]) && isHex(value[i + 2])) {
      bytes.push(Number.parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(ch, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
