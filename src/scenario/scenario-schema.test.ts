import { describe, expect, it } from 'vitest';
import { parseScenario } from './define-scenario.js';

const steps = [{ step: 'hangup' }];
const keepalived = (o: Record<string, unknown>) => ({
  name: 'x',
  topology: { kind: 'keepalived', freeswitchNodes: 2, keepalived: o },
  steps,
});

describe('topology.keepalived', () => {
  it('defaults to nopreempt without self-fence', () => {
    expect(parseScenario(keepalived({})).topology.keepalived).toEqual({ preempt: false, selfFence: false });
    expect(parseScenario(keepalived({ preempt: true })).topology.keepalived.preempt).toBe(true);
    expect(parseScenario(keepalived({ selfFence: true })).topology.keepalived.selfFence).toBe(true);
  });

  it('names the field of a bad or unknown option', () => {
    expect(() => parseScenario(keepalived({ preempt: 'yes' }), 'f.ts')).toThrow(
      /topology\.keepalived\.preempt/,
    );
    expect(() => parseScenario(keepalived({ selfFencing: true }), 'f.ts')).toThrow(/selfFencing/);
  });

  it('rejects self-fence with preempt, and keepalived options on another topology', () => {
    expect(() => parseScenario(keepalived({ preempt: true, selfFence: true }), 'f.ts')).toThrow(
      /topology\.keepalived\.selfFence: the self-fence trusts a peer it can reach/,
    );
    expect(() =>
      parseScenario({ name: 'x', topology: { kind: 'farm', keepalived: { preempt: true } }, steps }, 'f.ts'),
    ).toThrow(/topology\.keepalived: only the keepalived topology runs keepalived \(kind is farm\)/);
  });
});
