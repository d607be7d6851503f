import { describe, expect, it } from 'vitest';
import type { EventDraft } from '../common/event.js';
import { delay } from '../common/wait.js';
import { FailoverController } from './failover-controller.js';
import type { CallMover, FailoverNode } from './failover-ports.js';

// Scripted nodes: this tests the controller's decisions and ordering; the lab tests run it on real nodes.
function node(name: string, state: { alive: boolean; fenceOk?: boolean; log: string[] }): FailoverNode {
  return {
    name,
    probe: async () => state.alive,
    fence: async () => {
      state.log.push(`fence ${name}`);
      return { ok: state.fenceOk ?? true, timedOut: false, durationMs: 1 };
    },
    recover: async () => {
      state.log.push(`recover ${name}`);
      return { ok: true, timedOut: false, durationMs: 1, value: 4 };
    },
  };
}

function mover(log: string[]): CallMover {
  return {
    moveAll: async (from, targets, spread) => {
      log.push(`move ${from}->${targets.join(',')}${spread ? ' spread' : ''}`);
      return {
        ok: true,
        timedOut: false,
        durationMs: 1,
        value: Object.fromEntries(targets.map((t) => [t, 4])),
      };
    },
  };
}

describe('FailoverController', () => {
  it('detects a dead node by probes, then fences, moves to one live node and recovers there, in that order', async () => {
    const log: string[] = [];
    const events: EventDraft[] = [];
    const fs1 = { alive: true, log };
    const nodes = [node('fs1', fs1), node('fs2', { alive: true, log }), node('fs3', { alive: true, log })];
    const c = new FailoverController(nodes, mover(log), { probeIntervalMs: 20, sink: (e) => events.push(e) });
    c.start();
    await delay(60);
    expect(log).toEqual([]);
    fs1.alive = false;
    for (let i = 0; i < 50 && !log.includes('recover fs2'); i++) await delay(20);
    await c.stop();
    expect(log).toEqual(['fence fs1', 'move fs1->fs2', 'recover fs2']);
    const kinds = events.map((e) => `${e.kind}:${e.type}`);
    expect(kinds.indexOf('controller.detect:info')).toBeLessThan(kinds.indexOf('controller.fence:invoke'));
    expect(kinds).toContain('controller.confirm:ok');
    expect(c.liveNodes()).toEqual(['fs2', 'fs3']);
  });

  it('never moves calls when the fence fails', async () => {
    const log: string[] = [];
    const nodes = [node('fs1', { alive: false, fenceOk: false, log }), node('fs2', { alive: true, log })];
    const c = new FailoverController(nodes, mover(log));
    const out = await c.failover('fs1');
    expect(out.ok).toBe(false);
    expect(out.step).toBe('fence');
    expect(log).toEqual(['fence fs1']);
  });

  it('spreads over every live node and fails a node over only once when asked twice', async () => {
    const log: string[] = [];
    const st = { alive: true, log };
    const nodes = [node('fs1', st), node('fs2', st), node('fs3', st)];
    const c = new FailoverController(nodes, mover(log), { spread: true });
    const [a, b] = await Promise.all([c.failover('fs1'), c.failover('fs1')]);
    expect(a.ok && b.ok).toBe(true);
    expect(log.filter((l) => l.startsWith('move'))).toEqual(['move fs1->fs2,fs3 spread']);
    expect(log.filter((l) => l.startsWith('recover')).sort()).toEqual(['recover fs2', 'recover fs3']);
  });
});

describe('FailoverController safety', () => {
  it('does not fence the last live node: with nowhere to move calls it leaves the node alone', async () => {
    const log: string[] = [];
    const st = { alive: false, log };
    const c = new FailoverController([node('fs1', st), node('fs2', st)], mover(log));
    expect((await c.failover('fs1')).ok).toBe(true);
    const out = await c.failover('fs2');
    expect(out.ok).toBe(false);
    expect(out.step).toBe('select');
    expect(log).toEqual(['fence fs1', 'move fs1->fs2', 'recover fs2']);
  });
});

describe('FailoverController false positives', () => {
  it('does not declare a node dead on quick timeouts spanning less than timeoutOnlyDeadMs', async () => {
    const log: string[] = [];
    const slow: FailoverNode = { ...node('fs1', { alive: true, log }), probe: async () => 'timeout' };
    const c = new FailoverController([slow, node('fs2', { alive: true, log })], mover(log), {
      probeIntervalMs: 10,
      probeTimeoutMs: 1_000,
      timeoutOnlyDeadMs: 2_000,
    });
    c.start();
    await delay(200);
    await c.stop();
    expect(log).toEqual([]);
    expect(c.liveNodes()).toEqual(['fs1', 'fs2']);
  });

  it('sets aside a target’s probe timeouts while it runs the recover, and still fails over a refused node', async () => {
    const log: string[] = [];
    const events: EventDraft[] = [];
    let recovering = false;
    const fs1 = { alive: true, log };
    // fs2's recover takes a while and its probes time out meanwhile, as a busy FreeSWITCH's would
    const fs2: FailoverNode = {
      ...node('fs2', { alive: true, log }),
      probe: async () => (recovering ? 'timeout' : 'up'),
      recover: async () => {
        recovering = true;
        await delay(300);
        recovering = false;
        log.push('recover fs2');
        return { ok: true, timedOut: false, durationMs: 300, value: 4 };
      },
    };
    const c = new FailoverController([node('fs1', fs1), fs2, node('fs3', { alive: true, log })], mover(log), {
      probeIntervalMs: 10,
      probeTimeoutMs: 1_000,
      timeoutOnlyDeadMs: 0,
      sink: (e) => events.push(e),
    });
    c.start();
    fs1.alive = false;
    for (let i = 0; i < 100 && !log.includes('recover fs2'); i++) await delay(10);
    await delay(50);
    await c.stop();
    expect(log).toEqual(['fence fs1', 'move fs1->fs2', 'recover fs2']);
    expect(c.liveNodes()).toEqual(['fs2', 'fs3']);
    expect(events.some((e) => e.kind === 'controller.probe-ignored')).toBe(true);
  });
});

describe('FailoverController and its own blindness', () => {
  it('fences nobody when every node times out at once, and the one still silent once the others answer', async () => {
    const log: string[] = [];
    const events: EventDraft[] = [];
    let blind = true;
    let fs1Silent = true;
    const probeOf = (name: string) => async () =>
      blind || (name === 'fs1' && fs1Silent) ? ('timeout' as const) : ('up' as const);
    const nodes = ['fs1', 'fs2', 'fs3'].map((n) => ({ ...node(n, { alive: true, log }), probe: probeOf(n) }));
    const c = new FailoverController(nodes, mover(log), {
      probeIntervalMs: 10,
      probeTimeoutMs: 1_000,
      timeoutOnlyDeadMs: 50,
      sink: (e) => events.push(e),
    });
    c.start();
    await delay(200);
    expect(log).toEqual([]);
    expect(events.some((e) => e.kind === 'controller.probe-ignored')).toBe(true);
    blind = false;
    for (let i = 0; i < 100 && !log.some((l) => l.startsWith('recover')); i++) await delay(10);
    fs1Silent = false;
    await c.stop();
    // the target is whichever survivor answered first after the blind spell (fs2 or fs3: scheduling decides
    // under load); what matters is that fs1 alone is fenced, and once
    const target = log[1]?.replace('move fs1->', '');
    expect(['fs2', 'fs3']).toContain(target);
    expect(log).toEqual(['fence fs1', `move fs1->${target}`, `recover ${target}`]);
  });
});

describe('FailoverController target choice', () => {
  it('never moves calls to a node that is failing its probes, even before it is declared dead', async () => {
    const log: string[] = [];
    // fs1 refuses (dead), fs2 is dying but has failed only once so far, fs3 answers
    let fs2Failed = false;
    const fs2: FailoverNode = {
      ...node('fs2', { alive: true, log }),
      probe: async () => {
        if (fs2Failed) return new Promise<'timeout'>(() => {});
        fs2Failed = true;
        return 'timeout';
      },
    };
    const c = new FailoverController(
      [node('fs1', { alive: false, log }), fs2, node('fs3', { alive: true, log })],
      mover(log),
      { probeIntervalMs: 10, probeTimeoutMs: 5_000, timeoutOnlyDeadMs: 60_000 },
    );
    c.start();
    for (let i = 0; i < 100 && !log.some((l) => l.startsWith('recover')); i++) await delay(10);
    await c.stop();
    expect(log).toEqual(['fence fs1', 'move fs1->fs3', 'recover fs3']);
  });
});

describe('FailoverController grace after a recover', () => {
  it('sets aside a target’s timeouts for recoverGraceMs after its recover, then judges it again', async () => {
    const log: string[] = [];
    const fs1 = { alive: true, log };
    let fs2Slow = false;
    const fs2: FailoverNode = {
      ...node('fs2', { alive: true, log }),
      probe: async () => (fs2Slow ? 'timeout' : 'up'),
      recover: async () => {
        log.push('recover fs2');
        fs2Slow = true; // the calls it took on keep it busy after the recover returned
        return { ok: true, timedOut: false, durationMs: 1, value: 4 };
      },
    };
    const c = new FailoverController([node('fs1', fs1), fs2, node('fs3', { alive: true, log })], mover(log), {
      probeIntervalMs: 10,
      probeTimeoutMs: 1_000,
      timeoutOnlyDeadMs: 0,
      recoverGraceMs: 300,
    });
    c.start();
    fs1.alive = false;
    for (let i = 0; i < 100 && !log.includes('recover fs2'); i++) await delay(10);
    await delay(200);
    expect(log).toEqual(['fence fs1', 'move fs1->fs2', 'recover fs2']);
    await delay(400);
    await c.stop();
    expect(log).toContain('fence fs2');
  });
});
