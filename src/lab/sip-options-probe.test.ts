import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { sipOptionsProbe, sipOptionsRequest, sipStatusOf } from './sip-options-probe.js';

describe('sipOptionsRequest', () => {
  it('carries the headers a proxy sanity check needs and a Via with rport', () => {
    const req = sipOptionsRequest('198.19.1.20', 5060, '198.19.1.1', 40000);
    expect(req.startsWith('OPTIONS sip:198.19.1.20:5060 SIP/2.0\r\n')).toBe(true);
    expect(req).toMatch(/\r\nVia: SIP\/2\.0\/UDP 198\.19\.1\.1:40000;branch=z9hG4bK[0-9a-f]+;rport\r\n/);
    for (const h of ['Max-Forwards: 70', 'CSeq: 1 OPTIONS', 'Content-Length: 0']) expect(req).toContain(h);
    expect(req.endsWith('\r\n\r\n')).toBe(true);
  });
  it('reads the status code of a response only', () => {
    expect(sipStatusOf('SIP/2.0 200 Keepalive\r\n')).toBe(200);
    expect(sipStatusOf('OPTIONS sip:x SIP/2.0\r\n')).toBeUndefined();
  });
});

describe('sipOptionsProbe over loopback UDP', () => {
  it('skips a provisional response and returns the final status', async () => {
    const server = createSocket('udp4');
    server.on('message', (msg, from) => {
      const via = /\r\nVia: [^\r]+/.exec(msg.toString())?.[0] ?? '';
      server.send(`SIP/2.0 100 Trying${via}\r\n\r\n`, from.port, from.address);
      server.send(`SIP/2.0 503 Busy${via}\r\n\r\n`, from.port, from.address);
    });
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
    try {
      expect(await sipOptionsProbe('127.0.0.1', server.address().port, { timeoutMs: 1_000 })).toBe(503);
    } finally {
      server.close();
    }
  });
  it('times out against a port nobody answers on', async () => {
    await expect(sipOptionsProbe('127.0.0.1', 9, { timeoutMs: 200 })).rejects.toThrow(
      /no response in 200 ms|ECONNREFUSED/,
    );
  });
});
