// Console tables of the operations commands: recoverable calls per node, and a planned migration's outcome.
import type { NodeCalls } from '../recovery/list-calls.js';
import type { PlannedMigrationResult } from './planned-migration.js';

/** Left-aligned columns, two spaces apart, header first. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** `zerodrop calls`: one block per node, one line per migration unit. */
export function formatNodeCalls(nodes: readonly NodeCalls[]): string[] {
  const out: string[] = [];
  for (const n of nodes) {
    out.push(`${n.node} (${n.state}): ${n.rows} leg(s) in ${n.units.length} unit(s)`);
    if (n.units.length) {
      const rows = n.units.map((u) => [
        u.id,
        u.kind,
        String(u.legs.length),
        u.legs.map((l) => l.callId).join(' '),
        u.legs
          .map((l) => `${l.direction === 'inbound' ? 'in' : 'out'}:${l.destinationNumber ?? '?'}`)
          .join(' '),
        u.legs.map((l) => `${l.localMediaIp}:${l.localMediaPort}`).join(' '),
        u.missingPartners.length ? `partner row(s) missing: ${u.missingPartners.join(' ')}` : '',
      ]);
      out.push(
        ...table(['UNIT', 'KIND', 'LEGS', 'CALL-IDS', 'LEGS (dir:dest)', 'MEDIA', 'NOTE'], rows).map(
          (l) => `  ${l}`,
        ),
      );
    }
    for (const m of n.malformed) out.push(`  MALFORMED ${m.uuid}: ${m.problem}`);
  }
  return out;
}

/** `zerodrop migrate`: fence, one line per call, recover per target, verdict. */
export function formatMigration(r: PlannedMigrationResult): string[] {
  const out: string[] = [];
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  if (r.dryRun) out.push(`dry run: nothing fenced, moved or recovered`);
  else if (r.fence === 'none') out.push(`${r.from} NOT fenced (--no-fence)`);
  else if (r.fence !== 'skipped')
    out.push(
      `fence ${r.from} (${r.fence.method}): ${r.fence.ok ? 'ok' : `FAILED ${r.fence.error ?? ''}`} in ${ms(r.fence.durationMs)}`,
    );
  if (r.calls.length)
    out.push(
      ...table(
        ['UNIT', 'KIND', 'CALL-IDS', 'STATUS', 'TARGET', 'LEGS', 'RECOVERED', 'REASON'],
        r.calls.map((c) => [
          c.unitId,
          c.kind,
          c.callIds.join(' '),
          c.status,
          c.target ?? '-',
          String(c.uuids.length),
          r.dryRun ? '-' : `${c.legsRecovered}/${c.uuids.length}`,
          c.reason ?? '',
        ]),
      ),
    );
  else if (!r.error) out.push(`no recoverable calls on ${r.from}`);
  for (const m of r.malformed) out.push(`MALFORMED ${m.uuid}: ${m.problem} (left in place)`);
  for (const n of r.notFound) out.push(`NOT FOUND on ${r.from}: ${n}`);
  for (const t of r.recoveries)
    out.push(
      `recover on ${t.node}: ${t.ok ? `${t.recovered} leg(s)` : `FAILED ${t.error ?? ''}`} (moved ${t.expectedLegs}) in ${ms(t.durationMs)}`,
    );
  for (const t of r.recoveries)
    if (!t.ok || t.recovered < t.expectedLegs)
      out.push(
        `the moved rows are on ${t.node}: once it answers, run \`fsctl recover\` there (a rerun moves nothing)`,
      );
  if (r.leftLegs) out.push(`${r.leftLegs} leg(s) stay on ${r.from}`);
  const t = r.timingsMs;
  if (!r.dryRun && !r.error)
    out.push(
      `timings: fence ${ms(t.fence)}, move ${ms(t.move)}, recover ${ms(t.recover)}, confirm ${ms(t.confirm)}, total ${ms(t.total)}`,
    );
  if (r.error) out.push(`error: ${r.error}`);
  out.push(r.ok ? (r.dryRun ? 'plan ok' : 'ok: every call moved and recovered') : 'NOT OK');
  return out;
}
