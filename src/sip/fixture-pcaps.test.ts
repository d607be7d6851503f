import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { callIdOf, cseqOf, type SipMessage, tagsOf, topViaOf } from './sip-message.js';
import { parseSipMessage } from './sip-parser.js';
import type { Address } from './transport.js';
import { responseDestination, stampReceived } from './via.js';

const DIR = '/work/shared/fixtures/freeswitch-1.10.12/sip';

interface Datagram {
  from: Address;
  to: Address;
  payload: Buffer;
}

/** UDP payloads of a pcapng file (Ethernet link type, IPv4), in capture order. */
function readPcapng(file: string): Datagram[] {
  const d = readFileSync(file);
  const out: Datagram[] = [];
  for (let o = 0; o + 12 <= d.length; ) {
    const type = d.readUInt32LE(o);
    const len = d.readUInt32LE(o + 4);
    if (type === 1) expect(d.readUInt16LE(o + 8)).toBe(1); // IDB: Ethernet
    if (type === 6) {
      const cap = d.readUInt32LE(o + 20);
      const pkt = d.subarray(o + 28, o + 28 + cap);
      const ip = pkt.subarray(14);
      if (pkt.readUInt16BE(12) === 0x0800 && ip[9] === 17) {
        const ihl = ((ip[0] ?? 0) & 0x0f) * 4;
        const udp = ip.subarray(ihl);
        const addr = (at: number) => [...ip.subarray(at, at + 4)].join('.');
        out.push({
          from: { address: addr(12), port: udp.readUInt16BE(0) },
          to: { address: addr(16), port: udp.readUInt16BE(2) },
          payload: udp.subarray(8, udp.readUInt16BE(4)),
        });
      }
    }
    o += len;
  }
  return out;
}

const pcaps = readdirSync(DIR).filter((f) => f.endsWith('.pcap'));
const traces = pcaps.map((f) => ({ file: f, datagrams: readPcapng(`${DIR}/${f}`) }));

describe('fixture pcaps of real FreeSWITCH recoveries', () => {
  it('every SIP datagram in every pcap parses', () => {
    let total = 0;
    for (const { file, datagrams } of traces) {
      for (const d of datagrams) {
        const r = parseSipMessage(d.payload);
        expect(r.ok, `${file}: ${r.ok ? '' : r.error}`).toBe(true);
        total++;
      }
    }
    expect(total).toBeGreaterThan(100);
  });

  it('recovery re-INVITEs: we answer to the source per Via/rport (not the stale Via host), and the dialog matches exactly', () => {
    let checked = 0;
    const deadHostAnswers: string[] = [];
    for (const { file, datagrams } of traces) {
      const msgs = datagrams.flatMap((d) => {
        const r = parseSipMessage(d.payload);
        return r.ok ? [{ ...d, m: r.message as SipMessage }] : [];
      });
      const isReinvite = (m: SipMessage) =>
        m.kind === 'request' && m.method === 'INVITE' && (cseqOf(m)?.seq ?? 0) > 1000 && !!tagsOf(m).toTag;
      for (const re of msgs.filter((x) => isReinvite(x.m))) {
        const callId = callIdOf(re.m);
        const seq = cseqOf(re.m)?.seq;
        const via = topViaOf(re.m);
        if (!via) throw new Error(`${file}: re-INVITE without Via`);
        // RFC 3261 18.2.2 + RFC 3581: FreeSWITCH's Via has rport, so the answer goes to the re-INVITE's source,
        // even when the Via names the old (dead) host
        const ours = responseDestination(stampReceived(via, re.from));
        expect(ours, `${file} ${callId}`).toEqual(re.from);
        const answer = msgs.find(
          (x) =>
            x.m.kind === 'response' &&
            x.m.status === 200 &&
            callIdOf(x.m) === callId &&
            cseqOf(x.m)?.seq === seq,
        );
        // the trace's UA (sipp with setdest to the Via host) agrees, except where the Via names the dead host
        if (answer && (answer.to.address !== ours.address || answer.to.port !== ours.port)) {
          deadHostAnswers.push(`${file} ${callId} -> ${answer.to.address}`);
        }
        // the dialog the UA created when the call was set up (first INVITE of this Call-ID and its 200)
        const first = msgs.find(
          (x) => x.m.kind === 'request' && x.m.method === 'INVITE' && callIdOf(x.m) === callId,
        );
        const firstOk = msgs.find(
          (x) => x.m.kind === 'response' && x.m.status === 200 && callIdOf(x.m) === callId,
        );
        if (!first || !firstOk) continue;
        const uaIsCaller = first.from.address === re.to.address && first.from.port === re.to.port;
        const local = uaIsCaller ? tagsOf(first.m).fromTag : tagsOf(firstOk.m).toTag;
        const remote = uaIsCaller ? tagsOf(firstOk.m).toTag : tagsOf(first.m).fromTag;
        // From/To are swapped relative to the caller's INVITE, which is exactly RFC 3261 12.2.1.1
        expect(tagsOf(re.m), `${file} ${callId}`).toEqual({ fromTag: remote, toTag: local });
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8);
    expect([...new Set(deadHostAnswers)]).toEqual([
      'migrate-norewrite.sip.pcap ba70d01e-64e6-1240-9abe-121bfd01cfbf -> 127.0.0.2',
    ]);
  });
});
