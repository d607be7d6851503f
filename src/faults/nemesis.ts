// The nemesis: injects faults on lab hosts, records each step in the history, and heals everything at the end.
import type { Clock } from '../common/clock.js';
import type { EventSink } from '../common/event.js';
import { EventKind } from '../common/event-kinds.js';
import type { Fault, FaultHost, FaultInvocation, FaultOutcome } from './fault.js';

/** Injects faults and guarantees their heal. */
export class Nemesis {
  private readonly active: { fault: string; targets: string[]; invocation: FaultInvocation }[] = [];

  constructor(
    private readonly sink: EventSink,
    private readonly clock: Clock,
  ) {}

  /** Injects `fault` on targets (peers for partitions); the outcome is recorded, never thrown. */
  async inject(
    fault: Fault,
    targets: readonly FaultHost[],
    peers: readonly FaultHost[] = [],
  ): Promise<FaultOutcome> {
    const names = targets.map((t) => t.name);
    const unsupported = fault.setup ? await fault.setup(targets) : undefined;
    if (unsupported) {
      const outcome: FaultOutcome = {
        fault: fault.name,
        targets: names,
        ok: false,
        timedOut: false,
        durationMs: 0,
        error: unsupported,
      };
      this.record('fail', EventKind.fault, outcome);
      return outcome;
    }
    this.record('invoke', EventKind.fault, {
      fault: fault.name,
      targets: names,
      peers: peers.map((p) => p.name),
    });
    const invocation = await fault.invoke(targets, peers);
    this.active.push({ fault: fault.name, targets: names, invocation });
    this.record(invocation.outcome.ok ? 'ok' : 'fail', EventKind.fault, invocation.outcome);
    return invocation.outcome;
  }

  /** Heals every fault in force, newest first. */
  async healAll(): Promise<FaultOutcome[]> {
    const outcomes: FaultOutcome[] = [];
    while (this.active.length) {
      const { fault, targets, invocation } = this.active.pop()!;
      this.record('invoke', EventKind.heal, { fault, targets });
      const outcome = await invocation.heal().catch(
        (e: unknown): FaultOutcome => ({
          fault,
          targets,
          ok: false,
          timedOut: false,
          durationMs: 0,
          error: String(e),
        }),
      );
      this.record(outcome.ok ? 'ok' : 'fail', EventKind.heal, outcome);
      outcomes.push(outcome);
    }
    return outcomes;
  }

  /** Faults currently in force. */
  inForce(): { fault: string; targets: string[] }[] {
    return this.active.map(({ fault, targets }) => ({ fault, targets }));
  }

  private record(type: 'invoke' | 'ok' | 'fail', kind: string, value: unknown): void {
    this.sink({ timeMs: this.clock.nowMs(), process: 'nemesis', type, kind, value });
  }
}
