// Planned maintenance, "take over calls right from the console": fence the source, move whole units to their
// targets in one transaction, one `fsctl recover` per target after the move committed, confirm per call.
import { type Clock, systemClock } from '../common/clock.js';
import { errorMessage, ScenarioConfigError } from '../common/errors.js';
import { pollUntil } from '../common/wait.js';
import { type CallMigration, type MigrationReport, migrateCalls } from '../recovery/migrate-calls.js';
import type { RecoveryStore } from '../recovery/recovery-store.js';
import { type NodeEsl, probeNode, recoverOn } from './node-control.js';
import type { OpsTarget } from './ops-target.js';

/** Options of plannedMigration. */
export interface PlannedMigrationOptions {
  store: RecoveryStore;
  target: OpsTarget;
  from: string;
  to?: string;
  /** Spread over every other node that is up, by load. */
  spread?: boolean;
  /** Only the units holding these legs (channel uuid or SIP Call-ID). */
  callIds?: readonly string[];
  /** Print the plan, change nothing (no fence, no move, no recover). */
  dryRun?: boolean;
  /** Move without fencing; only when the operator has stopped the source some other way. */
  noFence?: boolean;
  /** How long to wait for recovered legs to be written back under the target's runtime (ms, default 5000). */
  confirmTimeoutMs?: number;
  clock?: Clock;
  progress?: (line: string) => void;
}

/** One call's outcome: the library's per-unit status plus what the target recovered of it. */
export interface CallOutcome extends CallMigration {
  /** Legs whose rows came back on the target under its own runtime after recover. */
  legsRecovered: number;
}

/** One target's recover. */
export interface TargetRecovery {
  node: string;
  /** Legs moved to it (moved and already-moved units). */
  expectedLegs: number;
  /** Legs FreeSWITCH says it recovered (`+OK N session(s) recovered`). */
  recovered: number;
  ok: boolean;
  durationMs: number;
  error?: string;
}

/** Everything the CLI reports. */
export interface PlannedMigrationResult {
  from: string;
  dryRun: boolean;
  fence: { method: string; ok: boolean; durationMs: number; error?: string } | 'skipped' | 'none';
  calls: CallOutcome[];
  /** Legs left on the source (units not asked for with --call, malformed rows). */
  leftLegs: number;
  malformed: MigrationReport['malformed'];
  notFound: string[];
  recoveries: TargetRecovery[];
  /** True when every unit moved (or would) and every target recovered at least the legs it received. */
  ok: boolean;
  error?: string;
  timingsMs: { fence: number; move: number; recover: number; confirm: number; total: number };
}

/** Runs the whole planned migration; bad options throw ScenarioConfigError before anything changes. */
export async function plannedMigration(o: PlannedMigrationOptions): Promise<PlannedMigrationResult> {
  const clock = o.clock ?? systemClock;
  const say = o.progress ?? (() => undefined);
  const t0 = clock.nowMs();
  const hosts = await o.store.listHosts();
  if (!hosts.some((h) => h.node === o.from))
    throw new ScenarioConfigError(
      '--from',
      `unknown node ${o.from} (known: ${hosts.map((h) => h.node).join(', ')})`,
    );
  const eslOf = (n: string) => o.target.esl(n, hosts);
  const fence = o.target.fence(o.from);
  if (!o.dryRun && !o.noFence && !fence)
    throw new ScenarioConfigError(
      '--fence-cmd',
      `no way to fence ${o.from} in ${o.target.where}: give --fence-cmd "…" (it must exit 0 only once ${o.from} ` +
        'can no longer send SIP or RTP), or --no-fence if you stopped it yourself',
    );
  const where = o.to !== undefined ? { to: o.to } : { spread: o.spread ?? false };
  const base = { store: o.store, from: o.from, ...where, ...(o.callIds ? { callUuids: o.callIds } : {}) };
  const timings = { fence: 0, move: 0, recover: 0, confirm: 0, total: 0 };
  const result = (
    r: Omit<PlannedMigrationResult, 'from' | 'dryRun' | 'timingsMs'>,
  ): PlannedMigrationResult => ({
    from: o.from,
    dryRun: o.dryRun ?? false,
    ...r,
    timingsMs: { ...timings, total: clock.nowMs() - t0 },
  });
  // Nothing moved (a failed fence, or a move that did not commit): no calls, no recoveries, the reason.
  const failed = (fence: PlannedMigrationResult['fence'], error: string) =>
    result({ fence, calls: [], leftLegs: 0, malformed: [], notFound: [], recoveries: [], ok: false, error });

  // A dry run first, also before a real move: bad targets or options fail here, before the fence.
  const planned = await migrateCalls({ ...base, dryRun: true, clock });
  if (o.dryRun) {
    const report = planned;
    const calls = report.calls.map((c) => ({ ...c, legsRecovered: 0 }));
    return result({
      fence: 'skipped',
      calls,
      leftLegs: await leftOn(o.store, o.from, calls),
      malformed: report.malformed,
      notFound: report.notFound,
      recoveries: [],
      ok:
        calls.every((c) => c.status === 'planned') &&
        report.notFound.length === 0 &&
        report.malformed.length === 0,
    });
  }

  // Runtimes that wrote the source's rows, read before the fence to keep it out of the calls' media gap:
  // a leg is recovered once its row is back on the target under any other runtime.
  const sourceRuntimes = new Set((await o.store.listRows(o.from)).map((r) => r.runtimeUuid));

  // Fence first: a source that may still be alive must not keep its calls while a target recovers them.
  let fenceOutcome: PlannedMigrationResult['fence'] = 'none';
  if (o.noFence)
    say(`WARNING: ${o.from} not fenced (--no-fence): if it still runs, its calls get two owners`);
  else if (fence) {
    say(`fencing ${o.from} (${fence.method})`);
    const f = await fence.run();
    timings.fence = f.durationMs;
    fenceOutcome = {
      method: fence.method,
      ok: f.ok,
      durationMs: f.durationMs,
      ...(f.error ? { error: f.error } : {}),
    };
    const esl = eslOf(o.from);
    if (f.ok && !fence.verified && esl && (await probeNode(esl, 500)))
      fenceOutcome = { ...fenceOutcome, ok: false, error: `${o.from} still answers ESL after the fence` };
    if (!fenceOutcome.ok) {
      return failed(fenceOutcome, `fence of ${o.from} failed, nothing moved: ${fenceOutcome.error ?? ''}`);
    }
    await o.store.setHostState(o.from, 'fenced');
  }

  const tMove = clock.nowMs();
  let report: MigrationReport;
  try {
    report = await migrateCalls({ ...base, clock });
  } catch (e) {
    // The move is one transaction: whatever did not commit is still on the source, and a rerun
    // (the fence of a dead node succeeds again) moves it; moves are idempotent.
    return failed(
      fenceOutcome,
      `${o.from} is fenced but the move failed (rows not moved stay on ${o.from}; run the same command again): ${errorMessage(e)}`,
    );
  }
  timings.move = clock.nowMs() - tMove;
  const moved = report.calls.filter((c) => c.status === 'moved' || c.status === 'already-moved');
  say(
    `moved ${moved.length}/${report.calls.length} unit(s), ${report.movedLegs} leg(s) in ${timings.move.toFixed(0)} ms`,
  );

  // One recover per target, only after its move committed; targets in parallel.
  const expected = new Map<string, number>();
  for (const c of moved) if (c.target) expected.set(c.target, (expected.get(c.target) ?? 0) + c.uuids.length);
  const tRecover = clock.nowMs();
  const recoveries = await Promise.all(
    [...expected].map(([node, legs]) => recoverTarget(node, legs, eslOf(node))),
  );
  timings.recover = clock.nowMs() - tRecover;
  for (const r of recoveries)
    say(
      `${r.node}: fsctl recover → ${r.recovered} leg(s) (expected ${r.expectedLegs})${r.error ? `: ${r.error}` : ''}`,
    );

  const tConfirm = clock.nowMs();
  const recoveredLegs = await confirmRecovered(o.store, moved, sourceRuntimes, o.confirmTimeoutMs ?? 5_000);
  timings.confirm = clock.nowMs() - tConfirm;
  const calls = report.calls.map((c) => ({
    ...c,
    legsRecovered: c.uuids.filter((u) => recoveredLegs.has(u)).length,
  }));
  const ok =
    moved.length === report.calls.length &&
    report.notFound.length === 0 &&
    (o.callIds !== undefined || report.malformed.length === 0) &&
    recoveries.every((r) => r.ok && r.recovered >= r.expectedLegs);
  return result({
    fence: fenceOutcome,
    calls,
    leftLegs: await leftOn(o.store, o.from, calls),
    malformed: report.malformed,
    notFound: report.notFound,
    recoveries,
    ok,
  });
}

async function recoverTarget(
  node: string,
  expectedLegs: number,
  esl: NodeEsl | undefined,
): Promise<TargetRecovery> {
  if (!esl)
    return {
      node,
      expectedLegs,
      recovered: 0,
      ok: false,
      durationMs: 0,
      error: `no ESL address for ${node}`,
    };
  const r = await recoverOn(esl);
  return {
    node,
    expectedLegs,
    recovered: r.value ?? 0,
    ok: r.ok,
    durationMs: r.durationMs,
    ...(r.error ? { error: r.error } : {}),
  };
}

/** Legs whose rows are back on their target under a runtime other than the source's. */
async function confirmRecovered(
  store: RecoveryStore,
  moved: readonly CallMigration[],
  sourceRuntimes: ReadonlySet<string>,
  timeoutMs: number,
): Promise<Set<string>> {
  const seen = new Set<string>();
  const byTarget = new Map<string, string[]>();
  for (const c of moved)
    if (c.target) byTarget.set(c.target, [...(byTarget.get(c.target) ?? []), ...c.uuids]);
  const total = [...byTarget.values()].reduce((n, u) => n + u.length, 0);
  if (total === 0) return seen;
  await pollUntil(
    async () => {
      for (const [target, uuids] of byTarget) {
        const rows = await store.listRows(target).catch((e: unknown) => {
          throw new Error(`${target}: ${errorMessage(e)}`);
        });
        const wanted = new Set(uuids);
        for (const r of rows) if (wanted.has(r.uuid) && !sourceRuntimes.has(r.runtimeUuid)) seen.add(r.uuid);
      }
      return seen.size === total ? true : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
  return seen;
}

async function leftOn(store: RecoveryStore, node: string, calls: readonly CallMigration[]): Promise<number> {
  const handled = new Set(calls.flatMap((c) => c.uuids));
  const rows = await store.listRows(node);
  return rows.filter((r) => !handled.has(r.uuid)).length;
}
