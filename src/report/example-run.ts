// An example run (synthetic farm crash on fs-sim) for previews and renderer tests, built as a literal history.
import { HistoryBuilder } from '../history/history-builder.js';
import type { ReportInput } from './report-model.js';

/** Options for the example run. */
export interface ExampleRunOptions {
  /** Calls up before the crash (default 12; a third on fs1). */
  calls?: number;
  /** Make one fs1 call lose its →callee media for good. */
  breakOne?: boolean;
}

/** A farm-crash history: fs1 crashes at 20 s, the controller moves its calls to fs2, all hung up at 40 s. */
export function exampleHistory(o: ExampleRunOptions = {}): HistoryBuilder {
  const n = o.calls ?? 12;
  const b = new HistoryBuilder().phase(0, 'calls');
  const nodes = ['fs1', 'fs2', 'fs3'];
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `call-${String(i + 1).padStart(3, '0')}`;
    ids.push(id);
    const at = 500 + Math.floor((i * 15_000) / n); // every call is up well before the crash
    b.answered(id, { inviteMs: at, answerMs: at + 60 + (i % 3) * 7, node: nodes[i % 3] });
  }
  b.legRows(
    19_000,
    'fs1',
    ids.filter((_, i) => i % 3 === 0),
  );
  b.fault(20_000, 'crash', 'fs1', 4)
    .detect(20_310, 'fs1')
    .fence(20_312, 20_340, 'fs1')
    .migrate(20_345, 20_356, 'fs1', 'fs2', (2 * n) / 3)
    .recover(20_360, 20_415, 'fs2', (2 * n) / 3)
    .confirm(20_650, 'fs2', Math.ceil(n / 3));
  ids.forEach((id, i) => {
    const up = i % 3 !== 0;
    const last = 19_981 + (i % 4) * 5;
    if (up) {
      b.stats(id, 'to-caller', 39_990, 39_985).stats(id, 'to-callee', 39_990, 39_987);
      return;
    }
    b.reinvite(id, 20_420 + i * 2, 'caller').reinviteAnswered(id, 20_424 + i * 2);
    b.reinvite(id, 20_421 + i * 2, 'callee').reinviteAnswered(id, 20_430 + i * 2, 200, 'callee');
    b.gap(id, 'to-caller', last, 20_520 + ((i * 37) % 140));
    if (o.breakOne && i === 3) b.stats(id, 'to-callee', 39_990, last);
    else b.gap(id, 'to-callee', last + 3, 20_560 + ((i * 53) % 190));
    if (i === 6)
      b.finding(id, 20_428, 'lower-cseq', 're-INVITE CSeq 12 after 101 on the same dialog', 'callee');
  });
  b.answered('during-failover', { inviteMs: 20_100, answerMs: 20_190, node: 'fs2' });
  b.gap('call-002', 'to-caller', 8_000, 8_120);
  b.legRows(21_000, 'fs1', []).legRows(21_000, 'fs2', [
    ...ids.filter((_, i) => i % 3 !== 2),
    'during-failover',
  ]);
  b.legRows(
    21_000,
    'fs3',
    ids.filter((_, i) => i % 3 === 2),
  );
  b.phase(40_000, 'hangup');
  for (const id of [...ids, 'during-failover']) b.hangup(id, 40_000);
  return b;
}

/** Everything a report needs, for the example run on fs-sim. */
export function exampleReportInput(o: ExampleRunOptions = {}): Omit<ReportInput, 'results'> {
  return {
    scenario: {
      name: 'farm-crash-migrate',
      description: '3 nodes behind Kamailio; fs1 crashes; its calls move to fs2',
      topology: 'farm',
      bounds: { mediaResumeMs: 1_500 },
    },
    history: exampleHistory(o).build(),
    meta: {
      implementation: { name: 'fs-sim', version: '0.1', emulator: true },
      proxy: 'kamailio 5.6',
      seed: 42,
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:41.000Z',
      hostname: 'ci',
    },
  };
}
