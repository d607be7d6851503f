// The failover controller's ports wired to a real lab: ESL probes and recover, container kill as the fence,
// the recovery store for the moves.
import { errorMessage } from '../common/errors.js';
import type { ActionResult } from '../common/result.js';
import type { CallMover, FailoverNode } from '../failover/failover-ports.js';
import type { ProbeOutcome } from '../failover/failure-detector.js';
import { EslEndpoint } from '../freeswitch/esl-endpoint.js';
import type { LabHost } from '../lab/lab-host.js';
import { migrateCalls } from '../recovery/migrate-calls.js';
import type { RecoveryStore } from '../recovery/recovery-store.js';
import type { NodeEsl } from './node-control.js';

/** A lab FreeSWITCH node for the controller; the fence is SIGKILL of its container (never a hangup). */
export function labFailoverNode(host: LabHost, esl: NodeEsl): FailoverNode & { close(): Promise<void> } {
  // One kept connection per node: probing every 100 ms with a new TCP+auth each time loads a busy node for nothing.
  const endpoint = new EslEndpoint({ ...esl, connectTimeoutMs: 3_000, commandTimeoutMs: 10_000 });
  // Recover on a connection of its own: ESL runs one connection's api commands in turn, so probes queued behind
  // a recover of hundreds of legs would time out and get a healthy target fenced (seen in CI with 100 calls).
  const control = new EslEndpoint({ ...esl, connectTimeoutMs: 3_000, commandTimeoutMs: 30_000 });
  return {
    name: host.name,
    // No per-probe signal: it would abort the kept connection itself when it fires later.
    probe: () => {
      // The lab's orchestrator view beside ESL: a container that is no longer running is dead, whatever the
      // network says (a crashed node's IP vanishes with its container, so connects time out instead of being
      // refused). Asked in parallel, never first: a Docker daemon slow under load must not make ESL look late.
      const gone = host.state().then(
        (s) => s !== undefined && s.status !== 'running' && s.status !== 'paused',
        () => false,
      );
      const esl = endpoint
        .run((c) => c.status({ timeoutMs: 1_000 }))
        .then((r): ProbeOutcome => {
          if (r.ok) return r.value?.ready === true ? 'up' : 'down';
          // Only a refused or reset connection proves the process is gone; a busy node's lost or slow connection
          // looks like a timeout and must not be fenced on three slow probes.
          return /ECONNREFUSED|ECONNRESET|EHOSTUNREACH/.test(r.error ?? '') ? 'down' : 'timeout';
        });
      return new Promise<ProbeOutcome>((resolve) => {
        void gone.then((g) => g && resolve('gone'));
        void esl.then(async (o) => resolve(o === 'up' ? 'up' : (await gone) ? 'gone' : o));
      });
    },
    fence: async () => {
      const r = await host.kill('SIGKILL');
      // A container that is already dead is fenced: the kill's "not running" refusal is no failure, nor an error.
      if (!r.ok && /not running|No such container/i.test(r.error ?? ''))
        return { ok: true, timedOut: false, durationMs: r.durationMs };
      return r;
    },
    recover: () => control.recover({ timeoutMs: 30_000 }),
    close: async () => {
      await Promise.all([endpoint.close(), control.close()]);
    },
  };
}

/** Moves through the recovery store; value = legs moved per target. */
export function storeMover(store: RecoveryStore): CallMover {
  return {
    async moveAll(from, targets, spread): Promise<ActionResult<Record<string, number>>> {
      const started = performance.now();
      try {
        const report = await migrateCalls(
          spread ? { store, from, spread: [...targets] } : { store, from, to: targets[0]! },
        );
        const perTarget: Record<string, number> = {};
        for (const c of report.calls)
          if (c.status === 'moved' && c.target)
            perTarget[c.target] = (perTarget[c.target] ?? 0) + c.uuids.length;
        const failed = report.calls.filter((c) => c.status === 'failed' || c.status === 'skipped');
        return {
          ok: failed.length === 0,
          timedOut: false,
          durationMs: performance.now() - started,
          value: perTarget,
          ...(failed.length
            ? { error: failed.map((c) => `${c.unitId}: ${c.status} ${c.reason ?? ''}`.trim()).join('; ') }
            : {}),
        };
      } catch (e) {
        return {
          ok: false,
          timedOut: false,
          durationMs: performance.now() - started,
          error: errorMessage(e),
        };
      }
    },
  };
}
