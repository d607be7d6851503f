import { describe, expect, it } from 'vitest';
import { SqlQueue } from './sql-queue.js';

describe('SqlQueue', () => {
  it('runs a channel statements in order, after their delay, without waiting for other channels', async () => {
    const q = new SqlQueue();
    const done: string[] = [];
    const t0 = performance.now();
    const at: Record<string, number> = {};
    const job =
      (name: string, ms = 0) =>
      async () => {
        if (ms) await new Promise((r) => setTimeout(r, ms));
        done.push(name);
        at[name] = performance.now() - t0;
      };
    q.push(100, job('a-insert', 200), 'a'); // slow statement on channel a
    q.push(0, job('a-delete'), 'a'); // queued after: must wait for the insert
    q.push(50, job('b-insert'), 'b');
    expect(q.size).toBe(3);
    await q.drain();
    expect(done).toEqual(['b-insert', 'a-insert', 'a-delete']);
    expect(at['b-insert']).toBeGreaterThanOrEqual(45);
    expect(at['b-insert']).toBeLessThan(250); // not held up by channel a's slow insert
    expect(at['a-insert']).toBeGreaterThanOrEqual(295);
    expect(q.size).toBe(0);
  });

  it('counts a failing statement and goes on', async () => {
    const errors: unknown[] = [];
    const q = new SqlQueue((e) => errors.push(e));
    let ran = false;
    q.push(
      0,
      async () => {
        throw new Error('db down');
      },
      'x',
    );
    q.push(
      0,
      async () => {
        ran = true;
      },
      'x',
    );
    await q.drain();
    expect(q.errors).toBe(1);
    expect(String(errors[0])).toMatch(/db down/);
    expect(ran).toBe(true);
  });
});
