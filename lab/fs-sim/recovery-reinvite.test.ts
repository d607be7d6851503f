import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildRecoveryReinvite, type OutgoingRequest } from './recovery-reinvite.js';
import { parseRecoveryRow, type StoredLeg } from './recovery-row.js';
import { parseRecoveryTsv } from './recovery-tsv.js';

const FIX = '/work/shared/fixtures/freeswitch-1.10.12';
const legs = (file: string): StoredLeg[] =>
  parseRecoveryTsv(readFileSync(`${FIX}/${file}`, 'utf8'), file).map(parseRecoveryRow);

/** A SIP message as Request-Line, ordered headers and body. */
function parseWire(text: string): { line: string; headers: Array<[string, string]>; body: string } {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const [line = '', ...rest] = head.split('\r\n');
  return {
    line,
    headers: rest.map((h) => [h.slice(0, h.indexOf(':')), h.slice(h.indexOf(':') + 1).trim()]),
    body,
  };
}
const header = (m: { headers: Array<[string, string]> }, n: string) => m.headers.find(([k]) => k === n)?.[1];
const branchOf = (via: string | undefined) => /branch=([^;]+)/.exec(via ?? '')?.[1] ?? '';
const sdpSession = (body: string) => Number(/o=FreeSWITCH (\d+)/.exec(body)?.[1]);

/** Builds our re-INVITE with the fixture's fresh values (branch, CSeq, o= id) and compares field by field. */
function compare(leg: StoredLeg, wireText: string, sip: { ip: string; port: number }) {
  const wire = parseWire(wireText);
  const cseq = Number(header(wire, 'CSeq')?.split(' ')[0]);
  const ours: OutgoingRequest = buildRecoveryReinvite(
    leg,
    { sipIp: sip.ip, sipPort: sip.port, hostIp: '192.0.2.2', userAgent: 'fs-sim' },
    { cseq, branch: branchOf(header(wire, 'Via')), sdpSessionId: sdpSession(wire.body) },
  );
  expect(`${ours.method} ${ours.requestUri} SIP/2.0`).toBe(wire.line);
  for (const name of [
    'Via',
    'Route',
    'Record-Route',
    'Max-Forwards',
    'From',
    'To',
    'Call-ID',
    'CSeq',
    'Contact',
    'Allow',
    'Supported',
    'Allow-Events',
    'Content-Type',
    'Content-Disposition',
    'Content-Length',
    'X-FS-Support',
    'Remote-Party-ID',
  ]) {
    expect([name, ours.headers.find(([k]) => k === name)?.[1]]).toEqual([name, header(wire, name)]);
  }
  expect(ours.headers.map(([k]) => k).filter((k) => k !== 'User-Agent')).toEqual(
    wire.headers.map(([k]) => k).filter((k) => k !== 'User-Agent'),
  );
  expect(ours.body).toBe(wire.body);
  return ours;
}

describe('recovery re-INVITE (fidelity against FreeSWITCH 1.10.12 pcaps)', () => {
  it('fidelity: crash2 same-node recover: all 6 legs match the pcap field by field', () => {
    const wire: Array<{ t: number; dst: string; message: string }> = JSON.parse(
      readFileSync('test/data/fs-sim/reinvites/crash2.json', 'utf8'),
    );
    const stored = legs('recovery/recovery-crash2-before.tsv');
    const reinvites = wire.filter((w) => w.t > 10);
    expect(reinvites).toHaveLength(6);
    for (const w of reinvites) {
      const callId = /Call-ID: (.*)\r\n/.exec(w.message)?.[1];
      const leg = stored.find((l) => l.callId === callId);
      expect(leg, `row for ${callId}`).toBeDefined();
      const ours = compare(leg as StoredLeg, w.message, { ip: '127.0.0.2', port: 5060 });
      expect(`${ours.destination.address}:${ours.destination.port}`).toBe(w.dst);
    }
  });

  it('fidelity: migrate2 (rows rewritten to fs-b) matches the pcap from fs-b', () => {
    const wire: Array<{ t: number; dst: string; message: string }> = JSON.parse(
      readFileSync('test/data/fs-sim/reinvites/migrate2.json', 'utf8'),
    );
    const stored = legs('recovery/recovery-migrate2-after-sql.tsv');
    const reinvites = wire.filter((w) => w.t > 10);
    expect(reinvites).toHaveLength(6);
    for (const w of reinvites) {
      const callId = /Call-ID: (.*)\r\n/.exec(w.message)?.[1];
      const leg = stored.find((l) => l.callId === callId) as StoredLeg;
      const ours = compare(leg, w.message, { ip: '127.0.0.3', port: 5060 });
      expect(`${ours.destination.address}:${ours.destination.port}`).toBe(w.dst);
    }
  });

  it('fidelity: migrate without rewrite keeps the old host in the B-leg Via (200 OK goes to the dead node)', () => {
    const wire: Array<{ t: number; message: string }> = JSON.parse(
      readFileSync('test/data/fs-sim/reinvites/migrate-norewrite.json', 'utf8'),
    );
    const bleg = wire.find((w) => w.t > 10 && w.message.startsWith('INVITE sip:uas'));
    expect(bleg?.message).toMatch(/Via: SIP\/2.0\/UDP 127.0.0.2;rport;branch=/);
  });

  it('fidelity: per-node exp2 samples from fs-b (A-leg and B-leg)', () => {
    const stored = legs('per-node/exp2-recovery-after-sql-fs_b.tsv');
    for (const f of [
      'exp2-reinvite-from-fs-b-to-caller-Aleg.txt',
      'exp2-reinvite-from-fs-b-to-callee-Bleg.txt',
    ]) {
      const text = readFileSync(`${FIX}/per-node/${f}`, 'utf8').replace(/\r?\n/g, '\r\n');
      const callId = /Call-ID: (.*)\r\n/.exec(text)?.[1];
      const leg = stored.find((l) => l.callId === callId);
      expect(leg, `row for ${callId}`).toBeDefined();
      const withBlank = text.endsWith('\r\n') ? text : `${text}\r\n`;
      compare(leg as StoredLeg, withBlank, { ip: '127.0.0.3', port: 5060 });
    }
  });
});
