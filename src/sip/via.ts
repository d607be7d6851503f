// The Via header field (RFC 3261 20.42) and where a response must go (18.2.1/18.2.2, RFC 3581 rport).
import { formatParams, parseParams } from './sip-uri.js';
import type { Address } from './transport.js';

/** RFC 3261 8.1.1.7: branches that start with this cookie are RFC 3261 branches. */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

/** One parsed Via value. */
export interface Via {
  protocol: string;
  transport: string;
  host: string;
  port?: number;
  params: Map<string, string>;
}

/** Parses `SIP/2.0/UDP host:port;branch=…;rport`; undefined when malformed. */
export function parseVia(text: string): Via | undefined {
  const m =
    /^\s*(SIP\s*\/\s*[\d.]+)\s*\/\s*([A-Za-z]+)\s+(\[[^\]]+\]|[^\s:;]+)(?:\s*:\s*(\d+))?\s*(.*)$/i.exec(text);
  if (!m?.[1] || !m[2] || !m[3]) return undefined;
  const via: Via = {
    protocol: m[1].replace(/\s+/g, ''),
    transport: m[2].toUpperCase(),
    host: m[3],
    params: parseParams(m[5] ?? ''),
  };
  if (m[4]) via.port = Number(m[4]);
  return via;
}

/** Formats a Via value. */
export function formatVia(via: Via): string {
  const port = via.port ? `:${via.port}` : '';
  return `${via.protocol}/${via.transport} ${via.host}${port}${formatParams(via.params)}`;
}

/** A fresh RFC 3261 branch id. */
export function newBranch(): string {
  return `${BRANCH_MAGIC_COOKIE}${Math.random().toString(36).slice(2, 12)}${Date.now().toString(36)}`;
}

/**
 * Stamps received/rport on a request's top Via as a server transport must on receipt
 * (RFC 3261 18.2.1, RFC 3581 section 4).
 */
export function stampReceived(via: Via, source: Address): Via {
  const params = new Map(via.params);
  if (via.host !== source.address) params.set('received', source.address);
  if (params.has('rport')) {
    params.set('rport', String(source.port));
    params.set('received', source.address);
  }
  return { ...via, params };
}

/**
 * Where to send a response over UDP: the top Via's received address (or sent-by host), port from
 * rport (RFC 3581 section 4), else sent-by port, else 5060 (RFC 3261 18.2.2). Never "the peer".
 */
export function responseDestination(via: Via): Address {
  const host = via.params.get('received') || via.host;
  const rport = Number(via.params.get('rport'));
  const port = Number.isInteger(rport) && rport > 0 ? rport : (via.port ?? 5060);
  return { address: host.replace(/^\[|\]$/g, ''), port };
}
