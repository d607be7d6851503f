// SIP message -> datagram bytes, with Content-Length always recomputed from the body.
import type { SipMessage } from './sip-message.js';

/** Serializes a message; any Content-Length in headers is replaced by the body's byte length. */
export function serializeSipMessage(msg: SipMessage): Buffer {
  const first =
    msg.kind === 'request' ? `${msg.method} ${msg.uri} SIP/2.0` : `SIP/2.0 ${msg.status} ${msg.reason}`;
  const lines = [first];
  for (const [name, value] of msg.headers.entries()) {
    if (name.toLowerCase() === 'content-length') continue;
    lines.push(`${name}: ${value}`);
  }
  const body = Buffer.from(msg.body, 'utf8');
  lines.push(`Content-Length: ${body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), body]);
}
