import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { SipEndpoint } from './sip-endpoint.js';
import { parseSipMessage } from './sip-parser.js';

// A request that crossed a proxy carries two Vias; the response must carry both back, in order,
// or the proxy has nowhere to forward it (seen in the lab: Kamailio relayed a 200 OK with no Via at all).
describe('responses retrace the whole Via path', () => {
  it('keeps every lower Via and stamps only the top one', async () => {
    const ep = await SipEndpoint.listen({ address: '127.0.0.1', port: 0 });
    ep.onRequest((inc) => inc.respond(200));
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    const port = sock.address().port;
    const got = new Promise<string>((r) => sock.once('message', (m) => r(m.toString())));
    const req = [
      `OPTIONS sip:x@127.0.0.1:${ep.local.port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKproxy1;rport`,
      'Via: SIP/2.0/UDP 127.0.0.7:5070;received=127.0.0.9;branch=z9hG4bKorigin',
      'From: <sip:a@127.0.0.1>;tag=1',
      'To: <sip:x@127.0.0.1>',
      'Call-ID: via-path-1',
      'CSeq: 1 OPTIONS',
      'Max-Forwards: 69',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    sock.send(req, ep.local.port, '127.0.0.1');
    const res = parseSipMessage(Buffer.from(await got));
    sock.close();
    await ep.close();
    if (!res.ok) throw new Error(res.error);
    const vias = res.message.headers.getAll('Via');
    expect(vias).toHaveLength(2);
    expect(vias[0]).toContain('branch=z9hG4bKproxy1');
    expect(vias[0]).toContain(`rport=${port}`);
    expect(vias[1]).toBe('SIP/2.0/UDP 127.0.0.7:5070;received=127.0.0.9;branch=z9hG4bKorigin');
  });
});
