// Readiness as a composable wait object (testcontainers' wait strategies are the model): a named check,
// polled from the host until it passes, bounded by timeoutMs; never a sleep. Not testcontainers' own strategies:
// those probe mapped ports, while lab hosts publish none and are probed from the host on their fixed IPs (pg
// query, ng ping, SIP OPTIONS), and a timeout must become a ReadinessTimeoutError with the host's last log lines.
import pg from 'pg';
import { AbortedError, errorMessage, ReadinessTimeoutError } from '../common/errors.js';
import { delay } from '../common/wait.js';
import type { ContainerState, ExecOutput } from './container-runtime.js';
import { ngRequest } from './ng-client.js';
import { sipOptionsProbe } from './sip-options-probe.js';

/** What a readiness check may look at: the host's address, commands inside it, its logs and state. */
export interface ReadinessContext {
  host: string;
  ip: string;
  exec(command: string[]): Promise<ExecOutput>;
  logs(tail: number): Promise<string[]>;
  state(): Promise<ContainerState>;
  signal?: AbortSignal;
}

/** One probe: true when ready, otherwise why not (shown if the wait times out). */
export type ReadinessCheck = (ctx: ReadinessContext) => Promise<true | string>;

/** How many log lines a readiness error carries. */
export const readinessLogLines = 30;

/** A named readiness check with its own timeout and poll interval. */
export class Wait {
  private constructor(
    readonly description: string,
    private readonly check: ReadinessCheck,
    /** Give up after this many ms (default 20 000). */
    readonly timeoutMs = 20_000,
    /** Time between probes in ms (default 100). */
    readonly intervalMs = 100,
  ) {}

  /** Any check: true when ready, or a string saying why not. */
  static custom(description: string, check: ReadinessCheck): Wait {
    return new Wait(description, check);
  }

  /** PostgreSQL at <ip>:port answers `select 1` from the host. */
  static forPgQuery({ port = 5432, user = 'postgres', database = 'postgres' } = {}): Wait {
    return new Wait(`PostgreSQL answers a query on :${port}`, async ({ ip }) => {
      const client = new pg.Client({ host: ip, port, user, database, connectionTimeoutMillis: 1_000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        const r = await client.query('select 1 as ok');
        return r.rows[0]?.ok === 1 ? true : 'unexpected reply';
      } catch (e) {
        return errorMessage(e);
      } finally {
        await client.end().catch(() => undefined);
      }
    });
  }

  /** RTPEngine answers ng `ping` with `pong` on <ip>:port. */
  static forNgPing(port = 2223): Wait {
    return new Wait(`RTPEngine answers ng ping on :${port}`, async ({ ip, signal }) => {
      try {
        const reply = await ngRequest(ip, port, { command: 'ping' }, { timeoutMs: 300, signal });
        return reply.result === 'pong' ? true : `ng reply ${JSON.stringify(reply)}`;
      } catch (e) {
        return errorMessage(e);
      }
    });
  }

  /** A SIP server on <ip>:port answers OPTIONS from the host with `status`. */
  static forSipOptions(port = 5060, status = 200): Wait {
    return new Wait(`SIP OPTIONS on :${port} answered ${status}`, async ({ ip, signal }) => {
      try {
        const got = await sipOptionsProbe(ip, port, { timeoutMs: 300, signal });
        return got === status ? true : `OPTIONS answered ${got}`;
      } catch (e) {
        return errorMessage(e);
      }
    });
  }

  /** A command inside the host exits 0. */
  static forCommand(command: string[]): Wait {
    return new Wait(`\`${command.join(' ')}\` exits 0`, async ({ exec }) => {
      const r = await exec(command);
      return r.exitCode === 0 ? true : `exit ${r.exitCode}: ${(r.stderr || r.stdout).trim().slice(-200)}`;
    });
  }

  /** A line matching pattern appears in the host's log. */
  static forLogLine(pattern: RegExp): Wait {
    return new Wait(`log line ${pattern}`, async ({ logs }) =>
      (await logs(2_000)).some((l) => pattern.test(l)) ? true : 'not logged yet',
    );
  }

  /** Every wait in order; the timeout is the largest of theirs unless set with withTimeout. */
  static all(...waits: Wait[]): Wait {
    const check: ReadinessCheck = async (ctx) => {
      for (const w of waits) {
        const r = await w.check(ctx);
        if (r !== true) return `${w.description}: ${r}`;
      }
      return true;
    };
    return new Wait(
      waits.map((w) => w.description).join(' and '),
      check,
      Math.max(0, ...waits.map((w) => w.timeoutMs)),
      Math.min(...waits.map((w) => w.intervalMs), 1_000),
    );
  }

  withTimeout(timeoutMs: number): Wait {
    return new Wait(this.description, this.check, timeoutMs, this.intervalMs);
  }

  withInterval(intervalMs: number): Wait {
    return new Wait(this.description, this.check, this.timeoutMs, intervalMs);
  }

  /** Polls until ready; returns the ms waited. A timeout or an exited container throws ReadinessTimeoutError. */
  async waitUntilReady(ctx: ReadinessContext): Promise<number> {
    const start = performance.now();
    let last: true | string = 'not probed';
    for (;;) {
      if (ctx.signal?.aborted) throw new AbortedError(`${ctx.host}: readiness wait aborted`);
      last = await this.check(ctx).then(
        (r) => r,
        (e: unknown) => errorMessage(e),
      );
      if (last === true) return performance.now() - start;
      const state = await ctx.state();
      const waited = performance.now() - start;
      const gone = state.status !== 'running' && state.status !== 'restarting' && state.status !== 'created';
      if (gone || waited + this.intervalMs > this.timeoutMs) {
        const why = gone ? `container ${state.status} (exit code ${state.exitCode ?? '?'})` : `timed out`;
        const lines = await ctx.logs(readinessLogLines).catch(() => []);
        throw new ReadinessTimeoutError(
          ctx.host,
          Math.round(waited),
          lines,
          `${this.description}: ${why}; last: ${last}`,
        );
      }
      await delay(this.intervalMs, ctx.signal);
    }
  }
}
