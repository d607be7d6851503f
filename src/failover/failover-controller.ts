// The failover controller: watch nodes, declare death, fence first, move the calls, recover on targets, confirm.
import type { Clock } from '../common/clock.js';
import { systemClock } from '../common/clock.js';
import type { EventSink } from '../common/event.js';
import { EventKind } from '../common/event-kinds.js';
import { delay } from '../common/wait.js';
import type { CallMover, FailoverNode } from './failover-ports.js';
import {
  type DetectorPolicy,
  type DetectorState,
  initialDetectorState,
  observeProbe,
  onlyTimeouts,
  type ProbeOutcome,
} from './failure-detector.js';

/** Controller options; times in ms. */
export interface FailoverControllerOptions {
  /** Time between probes of one node (default 500; down to 100). */
  probeIntervalMs?: number;
  /** A probe that takes longer counts as failed (default 1000, at least the interval): a loaded but healthy
   * node must not look dead, while a crashed one refuses the connection at once. */
  probeTimeoutMs?: number;
  /** Consecutive failed probes that declare a node dead (default 3). */
  failuresToDeclareDead?: number;
  /** When no probe was refused (only timeouts), the failures must span this long (ms, default 2000). */
  timeoutOnlyDeadMs?: number;
  /** After a recover on a node, its probe timeouts are set aside this long (ms, default 10000): the node has
   * just taken on calls and re-INVITEd every leg; only a refusal or its exit counts then. */
  recoverGraceMs?: number;
  /** Spread a dead node's calls over all live nodes by load, instead of one target (default false). */
  spread?: boolean;
  clock?: Clock;
  sink?: EventSink;
}

/** How one failover ended. */
export interface FailoverOutcome {
  node: string;
  ok: boolean;
  step: 'fence' | 'select' | 'migrate' | 'recover' | 'done';
  movedLegs: Record<string, number>;
  recoveredLegs: Record<string, number>;
  error?: string;
}

/** Runs the detect → fence → migrate → recover → confirm loop over a set of nodes. */
export class FailoverController {
  private readonly detectors = new Map<string, DetectorState>();
  private readonly failedOver = new Set<string>();
  // Nodes running a recover we asked for, or just done with one (until the time kept here): slow answers there
  // are our own doing (re-INVITEs, the calls' media), not a sign of death.
  private readonly busyUntil = new Map<string, number>();
  // One failover at a time: a target never gets a recover while another move to it is open.
  private queue: Promise<unknown> = Promise.resolve();
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  private readonly clock: Clock;
  private readonly sink: EventSink;
  private readonly opts: Required<Omit<FailoverControllerOptions, 'clock' | 'sink'>>;
  private readonly policy: DetectorPolicy;

  constructor(
    private readonly nodes: readonly FailoverNode[],
    private readonly mover: CallMover,
    options: FailoverControllerOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.sink = options.sink ?? (() => {});
    const probeIntervalMs = options.probeIntervalMs ?? 500;
    this.opts = {
      probeIntervalMs,
      probeTimeoutMs: options.probeTimeoutMs ?? Math.max(1_000, probeIntervalMs),
      failuresToDeclareDead: options.failuresToDeclareDead ?? 3,
      timeoutOnlyDeadMs: options.timeoutOnlyDeadMs ?? 2_000,
      recoverGraceMs: options.recoverGraceMs ?? 10_000,
      spread: options.spread ?? false,
    };
    this.policy = {
      failuresToDeclareDead: this.opts.failuresToDeclareDead,
      timeoutOnlyDeadMs: this.opts.timeoutOnlyDeadMs,
    };
    for (const n of nodes) this.detectors.set(n.name, initialDetectorState());
  }

  /** Starts probing every node; a node declared dead is failed over automatically. */
  start(): void {
    this.loops = this.nodes.map((n) => this.watch(n));
  }

  /** Stops probing and waits for any failover in progress. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled(this.loops);
    await this.queue.catch(() => {});
  }

  /** Nodes not declared dead and not failed over. */
  liveNodes(): string[] {
    return this.nodes
      .map((n) => n.name)
      .filter((n) => !this.detectors.get(n)?.dead && !this.failedOver.has(n));
  }

  /** Fails a node over now (manual maintenance, keepalived notify, or the detector). */
  failover(nodeName: string, reason = 'manual'): Promise<FailoverOutcome> {
    const run = this.queue.then(() => this.runFailover(nodeName, reason));
    this.queue = run.catch(() => {});
    return run;
  }

  private async watch(node: FailoverNode): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      const started = this.clock.nowMs();
      const outcome = await this.probeOnce(node);
      if (signal.aborted) return;
      // A recover of hundreds of legs, and the calls it brings, can hold a node's answers back for seconds.
      const busy = outcome === 'timeout' && this.clock.nowMs() < (this.busyUntil.get(node.name) ?? 0);
      const current = this.detectors.get(node.name)!;
      const r = busy
        ? { state: current, declaredDead: false }
        : observeProbe(current, outcome, started, this.policy);
      // Every node silent at once is what a stalled or cut-off controller sees: it cannot tell who is dead.
      const blind = r.declaredDead && onlyTimeouts(r.state) && !this.anotherNodeAnswers(node.name);
      this.detectors.set(node.name, blind ? { ...r.state, dead: false } : r.state);
      if (busy || blind)
        this.emit('info', EventKind.probeIgnored, {
          node: node.name,
          outcome,
          reason: busy
            ? 'recover in progress or just done'
            : 'no other node answers either: the controller itself may be stalled or cut off',
        });
      if (r.declaredDead && !blind) {
        this.emit('info', EventKind.detect, {
          node: node.name,
          via: 'probe',
          firstFailureMs: r.state.firstFailureMs,
          failures: r.state.consecutiveFailures,
          outcomes: r.state.failures,
        });
        void this.failover(node.name, 'detected');
        return;
      }
      const wait = this.opts.probeIntervalMs - (this.clock.nowMs() - started);
      await delay(Math.max(0, wait), signal).catch(() => {});
    }
  }

  /** True when some other node still in service answered its last probe. */
  private anotherNodeAnswers(nodeName: string): boolean {
    return this.liveNodes().some((n) => n !== nodeName && this.detectors.get(n)?.consecutiveFailures === 0);
  }

  private async probeOnce(node: FailoverNode): Promise<ProbeOutcome> {
    const timeout = AbortSignal.timeout(this.opts.probeTimeoutMs);
    const signal = AbortSignal.any([timeout, this.abort.signal]);
    const timedOut = new Promise<ProbeOutcome>((resolve) =>
      signal.addEventListener('abort', () => resolve('timeout')),
    );
    const answered = node
      .probe(signal)
      .then((r): ProbeOutcome => (r === true ? 'up' : r === false ? 'down' : r))
      .catch((): ProbeOutcome => 'down');
    return Promise.race([answered, timedOut]);
  }

  private async runFailover(nodeName: string, reason: string): Promise<FailoverOutcome> {
    const out: FailoverOutcome = {
      node: nodeName,
      ok: false,
      step: 'fence',
      movedLegs: {},
      recoveredLegs: {},
    };
    const node = this.nodes.find((n) => n.name === nodeName);
    if (!node) return { ...out, error: `unknown node ${nodeName}` };
    if (this.failedOver.has(nodeName))
      return { ...out, ok: true, step: 'done', error: 'already failed over' };

    // With nowhere to move the calls, fencing would only turn a doubt into an outage: leave the node be.
    // Only nodes answering right now take calls: one that is failing its probes may be the one dying.
    const targets = this.liveNodes().filter(
      (n) => n !== nodeName && (this.detectors.get(n)?.consecutiveFailures ?? 0) === 0,
    );
    if (targets.length === 0) {
      this.emit('fail', EventKind.migrate, {
        from: nodeName,
        to: [],
        error: 'no live node to take the calls; not fenced',
      });
      return { ...out, step: 'select', error: 'no live node to take the calls; not fenced' };
    }

    // Fence first: a node that may still be alive must not keep its calls while another recovers them.
    this.emit('invoke', EventKind.fence, { node: nodeName, reason });
    const fenced = await node.fence();
    this.emit(fenced.ok ? 'ok' : 'fail', EventKind.fence, { node: nodeName, ...fenced });
    if (!fenced.ok) return { ...out, error: `fence failed, calls left in place: ${fenced.error ?? ''}` };
    this.failedOver.add(nodeName);

    const chosen = this.opts.spread ? targets : targets.slice(0, 1);

    this.emit('invoke', EventKind.migrate, { from: nodeName, to: chosen, spread: this.opts.spread });
    const moved = await this.mover.moveAll(nodeName, chosen, this.opts.spread);
    this.emit(moved.ok ? 'ok' : 'fail', EventKind.migrate, { from: nodeName, to: chosen, ...moved });
    if (!moved.ok) return { ...out, step: 'migrate', error: moved.error };
    out.movedLegs = moved.value ?? {};

    const withCalls = Object.entries(out.movedLegs).filter(([, legs]) => legs > 0);
    const results = await Promise.all(
      withCalls.map(async ([target, legs]) => {
        const t = this.nodes.find((n) => n.name === target)!;
        this.emit('invoke', EventKind.recover, { node: target, expected: legs });
        this.busyUntil.set(target, Infinity);
        const r = await t
          .recover()
          .finally(() => this.busyUntil.set(target, this.clock.nowMs() + this.opts.recoverGraceMs));
        this.emit(r.ok ? 'ok' : 'fail', EventKind.recover, { node: target, ...r, recovered: r.value ?? 0 });
        out.recoveredLegs[target] = r.value ?? 0;
        const confirmed = r.ok && (r.value ?? 0) >= legs;
        this.emit(confirmed ? 'ok' : 'fail', EventKind.confirm, {
          node: target,
          recovered: r.value ?? 0,
          expected: legs,
        });
        return confirmed;
      }),
    );
    const ok = results.every(Boolean);
    return {
      ...out,
      ok,
      step: ok ? 'done' : 'recover',
      ...(ok ? {} : { error: 'recovered fewer legs than moved' }),
    };
  }

  private emit(type: 'invoke' | 'ok' | 'fail' | 'info', kind: string, value: unknown): void {
    this.sink({ timeMs: this.clock.nowMs(), process: 'controller', type, kind, value });
  }
}
