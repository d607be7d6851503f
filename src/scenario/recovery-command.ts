// `zerodrop calls` and `zerodrop migrate`: look at recoverable calls, and take a node's calls over from the console.
import { Command } from 'commander';
import { ScenarioConfigError } from '../common/errors.js';
import { listCalls, type NodeCalls } from '../recovery/list-calls.js';
import { RecoveryStore } from '../recovery/recovery-store.js';
import { intOption, opsGuard, targetOptions } from './ops-options.js';
import { formatMigration, formatNodeCalls } from './ops-tables.js';
import { resolveOpsTarget, type TargetFlags } from './ops-target.js';
import { plannedMigration } from './planned-migration.js';

/** Output sinks; default stdout for results, stderr for progress. */
export interface OpsPrint {
  print?: (line: string) => void;
  progress?: (line: string) => void;
}

/** NodeCalls as JSON: legs without their full variable map, malformed rows as {uuid, problem}. */
export function nodeCallsJson(nodes: readonly NodeCalls[]): unknown {
  return nodes.map((n) => ({
    ...n,
    units: n.units.map((u) => ({ ...u, legs: u.legs.map(({ variables: _v, ...leg }) => leg) })),
    malformed: n.malformed.map((m) => ({ uuid: m.uuid, problem: m.problem })),
  }));
}

/** `zerodrop calls` */
export function callsCommand(o: OpsPrint = {}): Command {
  const print = o.print ?? ((l: string) => console.log(l));
  return targetOptions(new Command('calls'))
    .description(
      'recoverable calls per node, grouped into migration units (bridge pairs, conferences, lone legs)',
    )
    .option('--node <node>', 'only this node')
    .option('--json', 'JSON instead of a table', false)
    .action((f: TargetFlags & { node?: string; json: boolean }) =>
      opsGuard(async () => {
        const store = RecoveryStore.connect((await resolveOpsTarget(f)).pg);
        try {
          const nodes = await listCalls(store, f.node);
          if (f.json) print(JSON.stringify(nodeCallsJson(nodes), null, 2));
          else for (const l of formatNodeCalls(nodes)) print(l);
          return nodes.some((n) => n.malformed.length) ? 1 : 0;
        } finally {
          await store.close();
        }
      }),
    );
}

interface MigrateFlags extends TargetFlags {
  from: string;
  to?: string;
  spread?: boolean;
  call?: string[];
  dryRun: boolean;
  fence: boolean;
  json: boolean;
  confirmTimeoutMs: number;
}

/** `zerodrop migrate` */
export function migrateCommand(o: OpsPrint = {}): Command {
  const print = o.print ?? ((l: string) => console.log(l));
  const progress = o.progress ?? ((l: string) => console.error(l));
  return targetOptions(new Command('migrate'))
    .description(
      'planned maintenance: fence a node, move its calls (whole units, one transaction) to another node or ' +
        'spread over all live nodes, `fsctl recover` on each target, report per call. Exit 0 only if every ' +
        'unit moved and every target recovered every leg it received.',
    )
    .requiredOption('--from <node>', 'node whose calls move (it is fenced first)')
    .option('--to <node>', 'one target node')
    .option('--spread', 'spread over every other node that is up, by load')
    .option('--call <ids...>', 'only the units holding these legs (channel uuid or SIP Call-ID)')
    .option('--dry-run', 'print the plan; fence, move and recover nothing', false)
    .option(
      '--fence-cmd <command>',
      'fence hook (sh -c; must exit 0 only once the node can no longer send SIP/RTP)',
    )
    .option(
      '--no-fence',
      'DANGEROUS: move without fencing. If the source still runs, it and the target both own the calls ' +
        '(doubled media, BYEs with stale CSeq, and a later hangup on it deletes the moved rows)',
    )
    .option(
      '--confirm-timeout-ms <ms>',
      'wait this long for recovered legs to be written back',
      intOption('--confirm-timeout-ms'),
      5_000,
    )
    .option('--json', 'JSON instead of a table', false)
    .action((f: MigrateFlags) =>
      opsGuard(async () => {
        if ((f.to === undefined) === (f.spread === undefined))
          throw new ScenarioConfigError('--to', 'give exactly one of --to NODE or --spread');
        if (!f.fence && f.fenceCmd !== undefined)
          throw new ScenarioConfigError('--no-fence', 'conflicts with --fence-cmd');
        const target = await resolveOpsTarget(f);
        const store = RecoveryStore.connect(target.pg);
        try {
          const r = await plannedMigration({
            store,
            target,
            from: f.from,
            ...(f.to !== undefined ? { to: f.to } : { spread: true }),
            ...(f.call ? { callIds: f.call } : {}),
            dryRun: f.dryRun,
            noFence: !f.fence,
            confirmTimeoutMs: f.confirmTimeoutMs,
            progress: (l) => progress(`${new Date().toISOString()} ${l}`),
          });
          if (f.json) print(JSON.stringify(r, null, 2));
          else for (const l of formatMigration(r)) print(l);
          return r.ok ? 0 : 1;
        } finally {
          await store.close();
        }
      }),
    );
}
