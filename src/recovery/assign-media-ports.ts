// Media ports on the target: a moved leg keeps its RTP port unless that port (or its RTCP neighbour) is taken there.
import type { NodeHost } from './node-host.js';

/** A leg to place: its uuid and current local media port. */
export interface PortRequest {
  uuid: string;
  port: number;
}

/**
 * Returns the port each leg gets on the target. A collision is an overlap of RTP/RTCP pairs (p, p+1)
 * with a port in use on the target or given to an earlier leg. A colliding leg gets the lowest free even
 * port of the source's range: the target's own allocator never hands those out. Undefined when none is free.
 */
export function assignMediaPorts(
  requests: readonly PortRequest[],
  occupied: Iterable<number>,
  source: Pick<NodeHost, 'rtpPortMin' | 'rtpPortMax'>,
): Map<string, number | undefined> {
  const used = new Set<number>();
  const take = (p: number) => {
    used.add(p);
    used.add(p + 1);
  };
  const free = (p: number) => !used.has(p) && !used.has(p + 1);
  for (const p of occupied) take(p);
  const out = new Map<string, number | undefined>();
  const colliding: PortRequest[] = [];
  for (const r of [...requests].sort((a, b) => a.port - b.port || (a.uuid < b.uuid ? -1 : 1))) {
    if (free(r.port)) {
      take(r.port);
      out.set(r.uuid, r.port);
    } else colliding.push(r);
  }
  let next = source.rtpPortMin + (source.rtpPortMin % 2);
  for (const r of colliding) {
    while (next + 1 <= source.rtpPortMax && !free(next)) next += 2;
    if (next + 1 > source.rtpPortMax) {
      out.set(r.uuid, undefined);
      continue;
    }
    take(next);
    out.set(r.uuid, next);
  }
  return out;
}
