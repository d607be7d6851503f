import { afterEach, describe, expect, it } from 'vitest';
import { pollUntil } from '../common/wait.js';
import { MemoryNetwork } from './memory-network.js';
import { SipEndpoint } from './sip-endpoint.js';
import { type SipMessage, topViaOf } from './sip-message.js';
import { parseSipMessage } from './sip-parser.js';
import { serializeSipMessage } from './sip-serializer.js';
import { parseNameAddr, parseSipUri, uriOf } from './sip-uri.js';
import type { Address } from './transport.js';
import { UserAgent } from './user-agent.js';
import { formatVia, parseVia, responseDestination, stampReceived } from './via.js';

const PROXY = { address: '127.0.0.20', port: 5060 };
const RR = '<sip:127.0.0.20;lr>';

/**
 * A minimal stateless record-routing proxy (RFC 3261 16): pops its own Route, adds Record-Route to
 * dialog-creating INVITEs and its Via to requests, sends responses to the next Via.
 */
function statelessProxy(net: MemoryNetwork, seen: string[]) {
  const t = net.bind(PROXY);
  let n = 0;
  t.onDatagram((data, source) => {
    const r = parseSipMessage(data);
    if (!r.ok) return;
    const m: SipMessage = r.message;
    if (m.kind === 'response') {
      const [, ...rest] = m.headers.getAll('Via');
      m.headers.setAll('Via', rest);
      const next = topViaOf(m);
      if (next) t.send(serializeSipMessage(m), responseDestination(next));
      return;
    }
    seen.push(`${m.method} ${m.uri}`);
    const routes = m.headers.getAll('Route');
    if (routes[0] && uriOf(routes[0])?.host === PROXY.address) m.headers.setAll('Route', routes.slice(1));
    if (m.method === 'INVITE' && !m.headers.has('Record-Route') && !/tag=/.test(m.headers.get('To') ?? '')) {
      m.headers.prepend('Record-Route', RR);
    }
    const top = m.headers.getAll('Via');
    const via = parseVia(top[0] ?? '');
    if (via) top[0] = formatVia(stampReceived(via, source));
    m.headers.setAll('Via', [`SIP/2.0/UDP ${PROXY.address}:${PROXY.port};branch=z9hG4bKproxy${n++}`, ...top]);
    const nextRoute = m.headers.get('Route');
    const uri = parseSipUri(nextRoute ? (parseNameAddr(nextRoute)?.uri ?? '') : m.uri);
    if (uri) t.send(serializeSipMessage(m), { address: uri.host, port: uri.port ?? 5060 } satisfies Address);
  });
}

const open: SipEndpoint[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

describe('calls through a record-routing proxy', () => {
  it('caller and callee keep the proxy in the route set: re-INVITE and BYE cross it, answers retrace the Vias', async () => {
    const net = new MemoryNetwork();
    const seen: string[] = [];
    statelessProxy(net, seen);
    const ep = (address: string, port: number) => {
      const e = new SipEndpoint({ transport: net.bind({ address, port }) });
      open.push(e);
      return e;
    };
    const caller = new UserAgent({ endpoint: ep('127.0.0.1', 5070) });
    const callee = new UserAgent({ endpoint: ep('127.0.0.41', 5060), user: 'fs' });
    const reinvites: string[] = [];
    callee.onInvite((inv) => inv.accept({ ip: '127.0.0.41', port: 16000 }));
    const out = caller.invite({
      requestUri: 'sip:echo@127.0.0.41:5060',
      destination: PROXY,
      localMedia: { ip: '127.0.0.1', port: 30000 },
      events: { onReinvite: (i) => reinvites.push(`${i.source.address} ${i.contact}`) },
    });
    const { session } = await out.result;
    expect(session?.dialog.routeSet).toEqual([RR]);
    // the callee (FreeSWITCH's place) re-INVITEs through the proxy; the answer must go back through it
    const fsSession = callee.allSessions()[0];
    expect(fsSession?.dialog.routeSet).toEqual([RR]);
    const re = fsSession?.dialog.createRequest('INVITE', {
      cseq: 123331595,
      contact: '<sip:fs@127.0.0.42:5060>',
      body: fsSession.localSdp(),
    });
    if (!re || !fsSession) throw new Error('no callee session');
    const ok = await callee.endpoint.request(re, { destination: fsSession.dialog.nextHop() }).final;
    expect(ok.response.status).toBe(200);
    await pollUntil(async () => (reinvites.length ? true : undefined), { timeoutMs: 1000, intervalMs: 5 });
    expect(reinvites).toEqual(['127.0.0.20 sip:fs@127.0.0.42:5060']);
    // our BYE follows the route set to the proxy, with the new target (node B) as Request-URI
    const byes: string[] = [];
    ep('127.0.0.42', 5060).onRequest((inc) => {
      byes.push(`${inc.request.method} from ${inc.source.address}`);
      inc.respond(200);
    });
    const bye = await session?.bye();
    expect(bye?.response.status).toBe(200);
    expect(byes).toEqual(['BYE from 127.0.0.20']);
    expect(seen).toContain('BYE sip:fs@127.0.0.42:5060');
  });
});
