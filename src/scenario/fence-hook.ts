// A user's fence hook: a shell command that must exit 0 only once the node can no longer touch its calls.
import { spawn } from 'node:child_process';
import type { ActionResult } from '../common/result.js';

/** Options of runFenceHook. */
export interface FenceHookOptions {
  /** Node being fenced, passed as ZERODROP_NODE. */
  node: string;
  /** Its ESL host, passed as ZERODROP_ESL_HOST. */
  eslHost?: string;
  /** Kill the hook (SIGKILL) and fail after this many ms (default 10 000). */
  timeoutMs?: number;
}

/** Runs `sh -c command`; ok only on exit 0 within the timeout. The last output lines go into error. */
export function runFenceHook(command: string, o: FenceHookOptions): Promise<ActionResult> {
  const started = performance.now();
  const timeoutMs = o.timeoutMs ?? 10_000;
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], {
      env: { ...process.env, ZERODROP_NODE: o.node, ZERODROP_ESL_HOST: o.eslHost ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // its own process group: a timeout kills the whole hook (sh and what it started), not sh alone
      detached: true,
    });
    let output = '';
    const keep = (b: Buffer) => {
      output = (output + b.toString()).slice(-2_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL'); // the group is gone already
      }
    }, timeoutMs);
    let settled = false;
    const done = (exitCode: number | undefined, why?: string) => {
      if (settled) return; // 'error' may be followed by 'close'
      settled = true;
      clearTimeout(timer);
      const durationMs = performance.now() - started;
      const tail = output.trim().split('\n').slice(-3).join(' | ');
      if (exitCode === 0 && !timedOut) return resolve({ ok: true, timedOut, durationMs, exitCode });
      const reason = timedOut
        ? `fence command timed out after ${timeoutMs} ms`
        : (why ?? `fence command exited ${exitCode ?? 'by signal'}`);
      resolve({
        ok: false,
        timedOut,
        durationMs,
        ...(exitCode !== undefined ? { exitCode } : {}),
        error: tail ? `${reason}: ${tail}` : reason,
      });
    };
    child.on('error', (e) => done(undefined, `fence command did not start: ${e.message}`));
    child.on('close', (code) => done(code ?? undefined));
  });
}
