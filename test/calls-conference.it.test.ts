// Conference rooms end to end on fs-sim (loopback): the call generator fills rooms, every member hears its room
// (its ring neighbour followed, the others room mates), and after crash, restart and recover the rooms come back whole.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFsSim } from '../lab/fs-sim/build.js';
import { CallGenerator } from '../src/calls/call-generator.js';
import { conferenceRoomUsers } from '../src/calls/conference-room.js';
import { CallState, type HarnessCall } from '../src/calls/harness-call.js';
import type { EventDraft } from '../src/common/event.js';
import { EventKind } from '../src/common/event-kinds.js';
import { MediaEngine } from '../src/media/media-engine.js';
import { FsSimProcess, freeTcpPort, type NodeSpec } from './data/fs-sim/harness.js';
import { type HostPostgres, startHostPostgres } from './support/host-postgres.js';

const NODE = '127.0.78.52';
const UA = '127.0.78.51';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('conference rooms on fs-sim', () => {
  const events: EventDraft[] = [];
  let pgServer: HostPostgres;
  let bundle: string;
  let spec: NodeSpec;
  let fs: FsSimProcess | undefined;
  let media: MediaEngine;
  let gen: CallGenerator;

  beforeAll(async () => {
    [pgServer, bundle] = await Promise.all([startHostPostgres({ settings: { fsync: 'off' } }), buildFsSim()]);
    const db = await pgServer.createDatabase('conference');
    spec = {
      name: 'fs-a',
      ip: NODE,
      rtpStart: 22_000,
      rtpEnd: 22_999,
      eslPort: await freeTcpPort(),
      pg: `postgres://postgres@127.0.0.1:${pgServer.port}/${db}`,
      moreDialplan: conferenceRoomUsers()
        .slice(0, 2)
        .map((number) => ({ number, app: 'conference' as const })),
    };
    fs = await FsSimProcess.start(bundle, spec, mkdtempSync(join(tmpdir(), 'fs-sim-conference-')));
    media = await MediaEngine.start({ bindIp: UA, sink: (e) => events.push(e) });
    gen = await CallGenerator.start({
      localIp: UA,
      target: { address: NODE, port: 5060 },
      media,
      sink: (e) => events.push(e),
    });
  }, 60_000);

  afterAll(async () => {
    await gen?.close();
    await media?.close();
    await fs?.kill('SIGKILL');
    await pgServer?.stop();
  });

  const crossedFrom = (c: HarnessCall) =>
    events
      .filter((e) => e.process === c.callId && e.kind === EventKind.mediaCrossed)
      .map((e) => (e.value as { fromCall: string }).fromCall);

  it('fills two rooms; each member hears its neighbour and only its own room; all come back after recover', async () => {
    const [roomA, roomB] = await Promise.all([gen.placeRoom({ members: 3 }), gen.placeRoom({ members: 2 })]);
    const members = [...roomA, ...roomB];
    expect(members.map((c) => c.state)).toEqual(Array(5).fill(CallState.Answered));
    expect(new Set(roomA.map((c) => c.room))).toEqual(new Set(['conference-1']));
    expect(new Set(roomB.map((c) => c.room))).toEqual(new Set(['conference-2']));
    await sleep(1_000);
    for (const c of members) expect(c.callerStream.stats().received).toBeGreaterThan(25);
    // a member of three hears the third member too (a room mate); the two-member room hears only its neighbour
    for (const c of roomA) {
      const mates = roomA.filter((m) => m !== c).map((m) => m.callId);
      expect(mates).toEqual(expect.arrayContaining(crossedFrom(c)));
      expect(crossedFrom(c)).toHaveLength(1);
    }
    for (const c of roomB) expect(crossedFrom(c)).toEqual([]);

    await fs?.api('fsctl crash').catch(() => 'connection closed');
    await fs?.exited;
    fs = await FsSimProcess.start(bundle, spec, mkdtempSync(join(tmpdir(), 'fs-sim-conference-')));
    const before = members.map((c) => c.callerStream.stats().received);
    expect(await fs.api('fsctl recover')).toBe('+OK 5 session(s) recovered in total\n');
    await sleep(1_500);
    const after = members.map((c) => c.callerStream.stats());
    // media is back on every member, at one copy per packet (a rejoining member listed twice would double it)
    after.forEach((s, i) => {
      const got = s.received - (before[i] ?? 0);
      expect(got).toBeGreaterThan(40);
      expect(got).toBeLessThan(90);
      expect(s.doubled).toBe(0);
      expect(s.silentMs).toBeLessThan(100);
    });
    // still only room mates after the rooms were rebuilt
    for (const c of roomA) expect(roomA.map((m) => m.callId)).toEqual(expect.arrayContaining(crossedFrom(c)));
    for (const c of roomB) expect(crossedFrom(c)).toEqual([]);
    await gen.hangupAll();
  }, 60_000);
});
