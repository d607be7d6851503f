// `zerodrop migrate` on a real farm lab (3 fs-sim nodes, Kamailio, RTPEngine, PostgreSQL) with live bridged calls:
// the source is fenced, whole units land on the target, recover there counts every moved leg, media comes back.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFsSim } from '../lab/fs-sim/build.js';
import { EslServer } from '../lab/fs-sim/esl/esl-server.js';
import { CallGenerator } from '../src/calls/call-generator.js';
import { CallState, type HarnessCall } from '../src/calls/harness-call.js';
import { systemClock } from '../src/common/clock.js';
import type { EventDraft } from '../src/common/event.js';
import { EventKind } from '../src/common/event-kinds.js';
import { delay, pollUntil } from '../src/common/wait.js';
import { fsSimRole } from '../src/freeswitch/fs-sim-role.js';
import { DockerRuntime } from '../src/lab/docker-runtime.js';
import { Lab } from '../src/lab/lab.js';
import type { StartedLab } from '../src/lab/started-lab.js';
import { MediaEngine } from '../src/media/media-engine.js';
import { listCalls, type NodeCalls } from '../src/recovery/list-calls.js';
import { RecoveryStore } from '../src/recovery/recovery-store.js';
import { notifyState } from '../src/scenario/failover-command.js';
import { runFenceHook } from '../src/scenario/fence-hook.js';
import { postgresInitFor } from '../src/scenario/lab-wiring.js';
import { probeNode } from '../src/scenario/node-control.js';
import { resolveOpsTarget } from '../src/scenario/ops-target.js';
import { plannedMigration } from '../src/scenario/planned-migration.js';

const run = promisify(execFile);
const NODES = ['fs1', 'fs2', 'fs3'];
const CALLS = 6;

/** The real CLI in a child process; resolves with exit code and output (never rejects on exit ≠ 0). */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run('npx', ['tsx', 'src/cli.ts', ...args], { cwd: process.cwd(), timeout: 60_000 });
    return { code: 0, ...r };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: x.code ?? -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

describe('zerodrop migrate on a farm lab with live bridged calls', () => {
  let lab: StartedLab;
  let media: MediaEngine;
  let gen: CallGenerator;
  let store: RecoveryStore;
  let calls: HarnessCall[] = [];
  let source: NodeCalls;
  let targetNode: string;
  let withoutMediaBeforeMove: string[] = [];
  const events: EventDraft[] = [];

  beforeAll(async () => {
    await buildFsSim();
    const runtime = await DockerRuntime.connect();
    lab = await new Lab({
      topology: 'farm',
      freeswitchNodes: NODES.length,
      freeswitchRole: fsSimRole({ eslPassword: 'zerodrop' }),
      postgres: { initSql: (a) => postgresInitFor('per-node')(a, NODES) },
      logsDir: join(tmpdir(), `zd-it-cli-migrate-${process.pid}`),
      runtime,
    }).start();
    const a = lab.addresses;
    const sink = (e: EventDraft) => events.push(e);
    media = await MediaEngine.start({ bindIp: a.gateway, sink, clock: systemClock });
    gen = await CallGenerator.start({
      localIp: a.gateway,
      calleePort: 5080,
      target: { address: a.proxy, port: 5060 },
      media,
      sink,
    });
    calls = await Promise.all(
      Array.from({ length: CALLS }, () => gen.place({ user: 'bridge', mode: 'bridge' })),
    );
    store = RecoveryStore.connect((await resolveOpsTarget({ lab: lab.id })).pg);
    // fs-sim writes a leg's row 0.3 s after answer: wait for both legs of every call
    const all = await pollUntil(
      async () => {
        const nodes = await listCalls(store);
        return nodes.reduce((n, x) => n + x.rows, 0) === 2 * CALLS ? nodes : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 200 },
    );
    if (!all) throw new Error('recovery rows of the calls did not appear');
    // a call with no two-way media before the move would be blamed on the move: record it, test it first
    withoutMediaBeforeMove = await silentSince(calls, 0, 5_000);
    source = [...all].sort((x, y) => y.units.length - x.units.length)[0]!;
    targetNode = NODES.find((n) => n !== source.node)!;
  });

  afterAll(async () => {
    await gen?.hangupAll().catch(() => undefined);
    await gen?.close().catch(() => undefined);
    await media?.close().catch(() => undefined);
    await store?.close().catch(() => undefined);
    await lab?.stop();
  });

  it('places the bridged calls with two-way media and shows them as bridge units (both legs on one node)', () => {
    expect(calls.map((c) => c.state)).toEqual(Array(CALLS).fill(CallState.Answered));
    expect(withoutMediaBeforeMove).toEqual([]);
    expect(source.units.length).toBeGreaterThan(0);
    for (const u of source.units) {
      expect(u.kind).toBe('bridge');
      expect(u.legs).toHaveLength(2);
    }
  });

  it('`zerodrop calls --json` (child process) lists the same units per node', async () => {
    const r = await cli(['calls', '--lab', lab.id, '--node', source.node, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const [node] = JSON.parse(r.stdout) as { node: string; units: { id: string; kind: string }[] }[];
    expect(node?.node).toBe(source.node);
    expect(node?.units.map((u) => u.id)).toEqual(source.units.map((u) => u.id));
  });

  it('`zerodrop migrate --dry-run` (child process) prints the plan and changes nothing', async () => {
    const r = await cli([
      'migrate',
      '--lab',
      lab.id,
      '--from',
      source.node,
      '--to',
      targetNode,
      '--dry-run',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as { calls: { unitId: string; status: string; target: string }[] };
    expect(plan.calls.map((c) => [c.unitId, c.status, c.target])).toEqual(
      source.units.map((u) => [u.id, 'planned', targetNode]),
    );
    const [after] = await listCalls(store, source.node);
    expect(after?.units.map((u) => u.id)).toEqual(source.units.map((u) => u.id));
    expect((await lab.host(source.node).state()).status).toBe('running');
  });

  it('refuses to move without a fence unless --no-fence is given', async () => {
    // --pg reaches the same database, but outside a lab there is no container to kill
    const dsn = `postgres://zerodrop:zerodrop@${lab.addresses.postgres}:5432/freeswitch`;
    const r = await cli(['migrate', '--pg', dsn, '--from', source.node, '--to', targetNode]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`no way to fence ${source.node} .*--fence-cmd.*--no-fence`));
    const [after] = await listCalls(store, source.node);
    expect(after?.units.map((u) => u.id)).toEqual(source.units.map((u) => u.id));
  });

  it('fences the source, moves every unit to the target, recovers every leg there, and media resumes', async () => {
    const movedUuids = source.units.flatMap((u) => u.uuids);
    const startMs = systemClock.nowMs();
    const r = await plannedMigration({
      store,
      target: await resolveOpsTarget({ lab: lab.id }),
      from: source.node,
      to: targetNode,
    });
    const doneMs = systemClock.nowMs();
    expect(r.error).toBeUndefined();
    expect(r.fence).toMatchObject({ method: 'container kill', ok: true });
    expect((await lab.host(source.node).state()).status).toBe('exited');
    expect(r.calls.map((c) => [c.unitId, c.status, c.target])).toEqual(
      source.units.map((u) => [u.id, 'moved', targetNode]),
    );
    expect(r.recoveries).toEqual([
      expect.objectContaining({
        node: targetNode,
        expectedLegs: movedUuids.length,
        recovered: movedUuids.length,
      }),
    ]);
    expect(r.calls.every((c) => c.legsRecovered === c.uuids.length)).toBe(true);
    expect(r.ok).toBe(true);
    // the rows are on the target now, none on the fenced source
    expect(await store.listRows(source.node)).toEqual([]);
    const onTarget = new Set((await store.listRows(targetNode)).map((x) => x.uuid));
    for (const u of movedUuids) expect(onTarget.has(u), u).toBe(true);
    expect((await store.host(source.node)).state).toBe('fenced');

    // media resumes on every call, both directions: packets received after the move finished
    const streams = calls.flatMap((c) => [c.callerStream, ...(c.callee ? [c.callee.stream] : [])]);
    expect(streams).toHaveLength(2 * CALLS);
    expect(await silentSince(calls, doneMs + 200, 10_000)).toEqual([]);
    const moved = new Set(calls.filter((c) => movedCall(c, source)).map((c) => c.callId));
    const gaps = events
      .filter((e) => e.kind === EventKind.mediaGap && e.timeMs >= startMs)
      .map((e) => ({ call: e.process, ms: (e.value as { durationMs: number }).durationMs }));
    const movedGaps = gaps.filter((g) => moved.has(g.call)).map((g) => g.ms);
    const otherGaps = gaps.filter((g) => !moved.has(g.call)).map((g) => g.ms);
    const t = r.timingsMs;
    console.log(
      `migrate ${source.node}→${targetNode}: ${source.units.length} unit(s), ${movedUuids.length} legs; ` +
        `fence ${t.fence.toFixed(0)} ms, move ${t.move.toFixed(0)} ms, recover ${t.recover.toFixed(0)} ms, ` +
        `confirm ${t.confirm.toFixed(0)} ms, total ${t.total.toFixed(0)} ms; media gaps on moved calls ` +
        `[${movedGaps.map((g) => g.toFixed(0)).join(', ')}] ms, on other calls [${otherGaps.map((g) => g.toFixed(0)).join(', ')}] ms`,
    );
    // every moved stream had one gap (the fence to the re-INVITE); calls on other nodes only machine noise
    expect(movedGaps.length).toBeGreaterThanOrEqual(2 * moved.size);
    expect(Math.max(0, ...otherGaps)).toBeLessThan(500);
  });

  it('`zerodrop migrate --config --spread` (child process, fence hook) moves the target’s calls, recovered ones included, on to the last up node', async () => {
    const [onTarget] = await listCalls(store, targetNode);
    const third = NODES.find((n) => n !== source.node && n !== targetNode)!;
    const uuids = onTarget!.units.flatMap((u) => u.uuids);
    expect(uuids.length).toBeGreaterThan(0);
    // as outside a lab: a config file with the controller DSN, each node's ESL, and a fence hook
    const config = join(mkdtempSync(join(tmpdir(), 'zd-ops-')), 'ops.json');
    writeFileSync(
      config,
      JSON.stringify({
        pg: `postgres://zerodrop:zerodrop@${lab.addresses.postgres}:5432/freeswitch`,
        nodes: NODES.map((name, i) => ({
          name,
          esl: { host: lab.addresses.freeswitch[i], password: 'zerodrop' },
          fence: `docker kill --signal KILL zd-${lab.id}-$ZERODROP_NODE`,
        })),
      }),
    );
    const r = await cli(['migrate', '--config', config, '--from', targetNode, '--spread']);
    const exitedMs = systemClock.nowMs();
    console.log(r.stdout);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    // the fenced source is not up, so spread has one node left
    for (const u of onTarget!.units)
      expect(r.stdout).toMatch(new RegExp(`${u.id} +bridge .* moved +${third} +2 +2/2`));
    expect(r.stdout).toContain(`recover on ${third}: ${uuids.length} leg(s) (moved ${uuids.length})`);
    expect(r.stdout).toContain(
      `fence ${targetNode} (hook: docker kill --signal KILL zd-${lab.id}-$ZERODROP_NODE): ok`,
    );
    expect(r.stdout.trim().split('\n').at(-1)).toBe('ok: every call moved and recovered');
    expect((await lab.host(targetNode).state()).status).toBe('exited');
    const rows = new Set((await store.listRows(third)).map((x) => x.uuid));
    for (const u of uuids) expect(rows.has(u), u).toBe(true);
    expect(await silentSince(calls, exitedMs + 200, 15_000)).toEqual([]);
  });

  it('`zerodrop controller` (child process) fails a killed node over on its own: detect, fence, migrate, recover, confirm', async () => {
    const third = NODES.find((n) => n !== source.node && n !== targetNode)!;
    const back = source.node; // fenced by the first move; an operator restarts it and puts it back in service
    expect((await lab.host(back).start()).ok).toBe(true);
    const esl = { host: lab.host(back).ip, port: 8021, password: 'zerodrop' };
    expect(
      await pollUntil(async () => ((await probeNode(esl, 1_000)) ? true : undefined), { timeoutMs: 30_000 }),
    ).toBe(true);
    await store.setHostState(back, 'up');
    const legs = (await store.listRows(third)).length;
    expect(legs).toBe(2 * CALLS); // every call is on the last node now

    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'controller', '--lab', lab.id], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      out += b.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      expect(
        await pollUntil(async () => (out.includes('watching') ? true : undefined), { timeoutMs: 60_000 }),
        out,
      ).toBe(true);
      expect(out).toContain(`watching ${[back, third].sort().join(', ')} every 100 ms`);
      expect((await lab.host(third).kill('SIGKILL')).ok).toBe(true);
      const killedMs = systemClock.nowMs();
      console.log(`killed ${third} at ${new Date().toISOString()}`);
      expect(
        await pollUntil(async () => (/confirm +(ok|fail)/.test(out) ? true : undefined), {
          timeoutMs: 30_000,
        }),
        out,
      ).toBe(true);
      const steps = out
        .split('\n')
        .map((l) => /\+[\d.]+s (\S+) +(\S+)/.exec(l))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => `${m[1]} ${m[2]}`);
      expect(steps).toEqual([
        'detect info',
        'fence invoke',
        'fence ok',
        'migrate invoke',
        'migrate ok',
        'recover invoke',
        'recover ok',
        'confirm ok',
      ]);
      expect(out).toContain(`"value":{"${back}":${legs}}`);
      expect(out).toMatch(
        new RegExp(`confirm +ok +\\{"node":"${back}","recovered":${legs},"expected":${legs}\\}`),
      );
      // recover deletes the moved rows and the recovered legs write theirs again (~0.3 s later in fs-sim)
      const rowsBack = async () => ((await store.listRows(back)).length === legs ? true : undefined);
      expect(await pollUntil(rowsBack, { timeoutMs: 5_000 })).toBe(true);
      expect((await store.host(third)).state).toBe('fenced');
      expect(await silentSince(calls, killedMs + 200, 15_000)).toEqual([]);
      console.log(out);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(out).toContain('SIGINT: stopping');
  });
});

/** Streams (as readable lines) without a packet after sinceMs once timeoutMs has passed; [] when all resumed. */
async function silentSince(
  calls: readonly HarnessCall[],
  sinceMs: number,
  timeoutMs: number,
): Promise<string[]> {
  const silent = () =>
    calls.flatMap((c) =>
      [c.callerStream, ...(c.callee ? [c.callee.stream] : [])]
        .map((st) => st.stats())
        .filter((x) => (x.lastPacketMs ?? 0) <= sinceMs)
        .map(
          (x) =>
            `${c.callId} ${x.direction}: last packet ${((x.lastPacketMs ?? 0) - sinceMs).toFixed(0)} ms, ` +
            `source ${x.source}, received ${x.received}, gaps ${x.gaps}, stopped ${x.stopped}`,
        ),
    );
  await pollUntil(async () => (silent().length === 0 ? true : undefined), { timeoutMs, intervalMs: 100 });
  return silent();
}

/** True when the call's caller leg was one of the source node's legs (by SIP Call-ID of the recovery rows). */
function movedCall(c: HarnessCall, source: NodeCalls): boolean {
  const ids = new Set(source.units.flatMap((u) => u.legs.map((l) => l.callId)));
  return ids.has(c.callId) || (c.callee !== undefined && ids.has(c.callee.sipCallId));
}

describe('fence hook', () => {
  it('is ok only on exit 0, passes the node, and reports the exit code and output otherwise', async () => {
    const ok = await runFenceHook('test "$ZERODROP_NODE" = fs2', { node: 'fs2' });
    expect(ok).toMatchObject({ ok: true, exitCode: 0 });
    const bad = await runFenceHook('echo cannot reach ipmi >&2; exit 3', { node: 'fs2' });
    expect(bad).toMatchObject({ ok: false, exitCode: 3 });
    expect(bad.error).toMatch(/exited 3: cannot reach ipmi/);
    const slow = await runFenceHook('sleep 5', { node: 'fs2', timeoutMs: 200 });
    expect(slow).toMatchObject({ ok: false, timedOut: true });
    expect(slow.durationMs).toBeLessThan(2_000);
  });
});

describe('keepalived notify entry point against the fs-sim ESL server', () => {
  const identity = { coreUuid: 'core-n', hostname: 'fs1', switchname: 'fs1', ipv4: '127.0.0.1' };
  const commands: string[] = [];
  const server = new EslServer({
    password: 'ka-secret',
    identity,
    authTimeoutMs: 2_000,
    handler: async (cmd, args) => {
      const line = `${cmd} ${args}`.trim();
      commands.push(line);
      return line === 'sofia recover' ? 'Recovered 3 call(s)\n' : `-ERR ${cmd} Command not found!\n`;
    },
  });
  afterAll(() => server.close());

  it('MASTER runs `sofia recover` once ESL answers (retrying while it does not); BACKUP touches nothing', async () => {
    // a free port with nothing on it yet: FreeSWITCH still starting when keepalived promotes the node
    const probe = await server.listen(0, '127.0.0.1');
    await server.close();
    const lines: string[] = [];
    const esl = { host: '127.0.0.1', port: probe.port, password: 'ka-secret' };
    const later = delay(700).then(() => server.listen(probe.port, '127.0.0.1'));
    const ok = await notifyState('MASTER', 'fs1', esl, {
      tries: 10,
      retryMs: 300,
      log: (l) => lines.push(l),
    });
    await later;
    expect(ok).toBe(true);
    expect(commands).toEqual(['sofia recover']);
    expect(lines.at(-1)).toMatch(
      /zerodrop notify fs1 MASTER: sofia recover \(try [2-9]\) → Recovered 3 call\(s\)$/,
    );
    expect(lines.slice(0, -1).every((l) => /failed: .*ECONNREFUSED/.test(l))).toBe(true);

    expect(await notifyState('BACKUP', 'fs1', esl, { log: (l) => lines.push(l) })).toBe(true);
    expect(commands).toEqual(['sofia recover']);
    const wrong = await notifyState(
      'MASTER',
      'fs1',
      { ...esl, password: 'nope' },
      { tries: 2, retryMs: 10, log: () => undefined },
    );
    expect(wrong).toBe(false);
    expect(commands).toEqual(['sofia recover']);
  });
});
