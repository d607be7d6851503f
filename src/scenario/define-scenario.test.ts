import { describe, expect, it } from 'vitest';
import { isScenarioConfigError } from '../common/errors.js';
import { defineScenario, parseScenario } from './define-scenario.js';

const minimal = { name: 'farm-crash', steps: [{ step: 'place-calls' }, { step: 'fault', fault: 'crash' }] };

describe('scenario validation', () => {
  it('fills defaults: farm of 3 per-node fs nodes behind kamailio', () => {
    const s = parseScenario(minimal);
    expect(s.topology).toMatchObject({
      kind: 'farm',
      freeswitchNodes: 3,
      proxy: 'kamailio',
      storage: 'per-node',
    });
    expect(s.steps[1]).toMatchObject({ step: 'fault', fault: 'crash', target: 'one' });
    expect(s.expectFailures).toEqual({});
  });

  it('names the field and the source on a bad value', () => {
    try {
      parseScenario({ ...minimal, calls: { count: -1 } }, 'scenarios/x.ts');
      expect.unreachable();
    } catch (e) {
      expect(isScenarioConfigError(e)).toBe(true);
      expect(String(e)).toContain('scenarios/x.ts');
      expect(String(e)).toContain('calls.count');
    }
  });

  it('rejects unknown fields and unknown steps', () => {
    expect(() => parseScenario({ ...minimal, colour: 'red' })).toThrow(/colour/);
    expect(() => parseScenario({ ...minimal, steps: [{ step: 'explode' }] })).toThrow(/steps\.0\.step/);
  });

  it('rejects a fault target that is not a host of the topology', () => {
    expect(() =>
      defineScenario({ name: 'x', steps: [{ step: 'fault', fault: 'kill', target: ['fs9'] }] }),
    ).toThrow(/steps\.0\.target: unknown host fs9/);
  });

  it('requires the probability of a loss fault and two nodes for keepalived', () => {
    expect(() => defineScenario({ name: 'x', steps: [{ step: 'fault', fault: 'loss' }] })).toThrow(
      /probability/,
    );
    expect(() =>
      defineScenario({
        name: 'x',
        topology: { kind: 'keepalived', freeswitchNodes: 3 },
        steps: [{ step: 'hangup' }],
      }),
    ).toThrow(/exactly 2 nodes/);
  });

  it('takes conference rooms of 2 or more members, and a split migration only where it can happen', () => {
    expect(parseScenario(minimal).calls.conferenceSize).toBe(3);
    expect(() => parseScenario({ ...minimal, calls: { conferenceSize: 1 } })).toThrow(
      /calls\.conferenceSize/,
    );
    const split = { step: 'failover', action: 'migrate', splitUnits: true } as const;
    expect(defineScenario({ name: 'x', steps: [split] }).steps[0]).toMatchObject({ splitUnits: true });
    expect(() => defineScenario({ name: 'x', steps: [{ ...split, action: 'controller' }] })).toThrow(
      /steps\.0\.splitUnits: only with action 'migrate'/,
    );
    expect(() => defineScenario({ name: 'x', topology: { freeswitchNodes: 2 }, steps: [split] })).toThrow(
      /at least 3 nodes/,
    );
  });

  it('refuses more conference rooms than the lab dialplan has', () => {
    const calls = { count: 192, kind: 'conference', conferenceSize: 3 } as const;
    expect(defineScenario({ name: 'x', calls, steps: [{ step: 'place-calls' }] }).calls.count).toBe(192);
    expect(() =>
      defineScenario({ name: 'x', calls: { ...calls, conferenceSize: 2 }, steps: [{ step: 'place-calls' }] }),
    ).toThrow(/up to 96 conference rooms, but the lab dialplan has 64/);
  });
});
