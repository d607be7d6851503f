import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../history/history-builder.js';
import { newCallsSucceed } from './new-calls-succeed.js';

const ctx = { bounds: { mediaResumeMs: 1500 } };
const failover = () =>
  new HistoryBuilder()
    .answered('old', { inviteMs: 0, answerMs: 100, node: 'fs1' })
    .fault(5_000, 'crash', 'fs1')
    .detect(5_300, 'fs1')
    .migrate(5_310, 5_320, 'fs1', 'fs2', 2)
    .recover(5_330, 5_380, 'fs2', 2)
    .confirm(5_600, 'fs2', 2);

describe('new-calls-succeed', () => {
  it('is valid when calls placed between fault and recovery end are answered by live nodes', () => {
    const h = failover()
      .answered('n1', { inviteMs: 5_100, answerMs: 5_180, node: 'fs2' })
      .answered('n2', { inviteMs: 5_500, answerMs: 5_560, node: 'fs3' })
      .answered('after', { inviteMs: 9_000, answerMs: 9_050, node: 'fs2' })
      .build();
    const r = newCallsSucceed(h, ctx);
    expect(r.valid).toBe(true);
    expect(r.perCall?.map((c) => c.callId)).toEqual(['n1', 'n2']);
    expect(r.perCall?.[0]?.message).toBe('answered in 80 ms by fs2');
    expect(r.details).toMatch(/2 of 2 calls placed during the failover \(t=5\.000 s … t=5\.600 s\)/);
  });

  it('is invalid when a call placed during the failover fails, or is answered by the dead node', () => {
    const h = failover()
      .invite('n1', 5_100)
      .failed('n1', 5_200, 503, 'Service Unavailable')
      .answered('n2', { inviteMs: 5_150, answerMs: 5_200, node: 'fs1' })
      .build();
    const r = newCallsSucceed(h, ctx);
    expect(r.valid).toBe(false);
    expect(r.perCall?.map((c) => c.message)).toEqual([
      'failed: 503 Service Unavailable',
      'answered by fs1, a node that was down',
    ]);
  });

  it('maps the Contact address a call was answered from to its node name', () => {
    const h = failover().answered('n1', { inviteMs: 5_100, answerMs: 5_200, node: '198.19.7.41' }).build();
    const r = newCallsSucceed(h, { ...ctx, nodeByAddress: { '198.19.7.41': 'fs1', '198.19.7.42': 'fs2' } });
    expect(r.perCall?.[0]?.message).toBe('answered by fs1, a node that was down');
    expect(newCallsSucceed(h, ctx).perCall?.[0]?.message).toBe('answered in 100 ms by 198.19.7.41');
    // the lab.up event of the run names hosts too, so a stored run maps without help
    const withLab = failover()
      .event(0, 'lab', 'ok', 'lab.up', {
        id: 'l1',
        hosts: [
          ['fs1', '198.19.7.41'],
          ['fs2', '198.19.7.42'],
        ],
      })
      .answered('n1', { inviteMs: 5_100, answerMs: 5_200, node: '198.19.7.41' })
      .build();
    expect(newCallsSucceed(withLab, ctx).perCall?.[0]?.message).toBe('answered by fs1, a node that was down');
  });

  it('is unknown without a fault, without calls in the window, or without an outcome', () => {
    const noFault = new HistoryBuilder().answered('c', { inviteMs: 0, answerMs: 10 }).build();
    expect(newCallsSucceed(noFault, ctx).valid).toBe('unknown');
    expect(newCallsSucceed(failover().build(), ctx).details).toMatch(
      /no call was placed during the failover/,
    );
    const pending = failover().invite('n1', 5_100).build();
    expect(newCallsSucceed(pending, ctx).valid).toBe('unknown');
  });
});
