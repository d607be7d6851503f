import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemoryNetwork } from './memory-network.js';
import { SipEndpoint } from './sip-endpoint.js';
import { parseSipMessage } from './sip-parser.js';
import { UserAgent } from './user-agent.js';

const DIR = '/work/shared/fixtures/freeswitch-1.10.12/sip';

/** SIP texts found in the fixture pcaps (crudely: from a start line to the end of the UDP payload). */
function fixtureMessages(): Buffer[] {
  const out: Buffer[] = [];
  for (const f of readdirSync(DIR).filter((x) => x.endsWith('.pcap'))) {
    const text = readFileSync(`${DIR}/${f}`).toString('latin1');
    for (const m of text.matchAll(
      /(?:INVITE|ACK|BYE|OPTIONS|CANCEL|SIP\/2\.0) [^\r\n]*\r\n[\s\S]*?\r\n\r\n/g,
    )) {
      out.push(Buffer.from(m[0], 'latin1'));
    }
  }
  return out;
}

/** A small deterministic PRNG so a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function mutate(buf: Buffer, rnd: () => number): Buffer {
  const b = Buffer.from(buf);
  switch (Math.floor(rnd() * 5)) {
    case 0:
      return b.subarray(0, Math.floor(rnd() * b.length)); // truncated
    case 1:
      for (let i = 0; i < 8; i++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256); // bytes flipped
      return b;
    case 2:
      return Buffer.from(b.toString('latin1').replace(/\r\n/g, rnd() < 0.5 ? '\n' : '\r'), 'latin1'); // line ends
    case 3: {
      const lines = b.toString('latin1').split('\r\n');
      lines.splice(1 + Math.floor(rnd() * (lines.length - 1)), 1); // a header line removed
      return Buffer.from(lines.join('\r\n'), 'latin1');
    }
    default:
      return Buffer.from(b.toString('latin1').replace(/: /g, rnd() < 0.5 ? ':' : ' : '), 'latin1');
  }
}

describe('malformed and mangled input', () => {
  const messages = fixtureMessages();

  it('the parser never throws on 5000 mangled real datagrams', () => {
    const rnd = prng(42);
    expect(messages.length).toBeGreaterThan(100);
    for (let i = 0; i < 5000; i++) {
      const input = mutate(messages[i % messages.length] ?? Buffer.alloc(0), rnd);
      expect(() => parseSipMessage(input)).not.toThrow();
    }
  });

  it('an endpoint with a user agent survives them: no handler error, garbage counted, still answers', async () => {
    const net = new MemoryNetwork();
    const errors: string[] = [];
    const ep = new SipEndpoint({
      transport: net.bind({ address: '127.0.0.1', port: 5070 }),
      log: (l) => l.startsWith('error') && errors.push(l),
    });
    const ua = new UserAgent({ endpoint: ep });
    ua.onInvite((inv) => inv.accept({ ip: '127.0.0.1', port: 30000 }));
    const peer = net.bind({ address: '127.0.0.2', port: 5060 });
    const rnd = prng(7);
    for (let i = 0; i < 2000; i++) {
      peer.send(mutate(messages[i % messages.length] ?? Buffer.alloc(0), rnd), ep.local);
      if (i % 100 === 0) await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(errors).toEqual([]);
    expect(ep.counters.malformed).toBeGreaterThan(200);
    const probe = peer;
    const got: string[] = [];
    probe.onDatagram((d) => got.push(d.toString().split('\r\n')[0] ?? ''));
    probe.send(
      Buffer.from(
        'OPTIONS sip:x@127.0.0.1:5070 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.2:5060;branch=z9hG4bKalive\r\nFrom: <sip:p@h>;tag=1\r\nTo: <sip:x@h>\r\nCall-ID: alive\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n',
      ),
      ep.local,
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toContain('SIP/2.0 200 OK');
    await ua.close();
  });
});
