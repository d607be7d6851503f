// ESL control of one FreeSWITCH (or fs-sim) node: inbound event socket, every call bounded in time.
//
// Built on the `esl` package's FreeSwitchResponse (wire parsing, reply matching), not on its
// FreeSwitchClient: that one reconnects forever on its own and gives no way to bound connect+auth.
// We own the socket, and on any timeout or abort we destroy it: ESL matches api replies to requests
// first-come, so after a missed reply the next command would get the late answer of the previous one.
// A dead peer therefore costs at most one timeout and ends as a `lost` event, never a hang.
import { randomUUID } from 'node:crypto';
import { Socket } from 'node:net';
import { FreeSwitchError, type FreeSwitchEventData, FreeSwitchResponse } from 'esl';
import { type Clock, systemClock } from '../common/clock.js';
import { errorMessage } from '../common/errors.js';
import type { ActionResult } from '../common/result.js';
import {
  type EslStatus,
  parseRecoverReply,
  parseShowCalls,
  parseStatus,
  type RecoverReply,
  type ShowCalls,
} from './esl-replies.js';
import { EslSession } from './esl-session.js';

export type { EslEventMessage } from './esl-session.js';

/** Options of {@link EslClient.connect}. */
export interface EslClientOptions {
  host: string;
  port: number;
  password: string;
  /** TCP connect + auth + initial subscription, in ms (default 5000). */
  connectTimeoutMs?: number;
  /** Default timeout of every command, in ms (default 5000). */
  commandTimeoutMs?: number;
  /** When > 0, an idle connection is probed with `api status` this often (ms), so a frozen peer is noticed. */
  probeIntervalMs?: number;
  clock?: Clock;
  signal?: AbortSignal;
}

/** Per-call options: timeout (ms, default the client's commandTimeoutMs) and cancellation. */
export interface CallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Why a connection ended. `local-close` = close() was called. */
export type EslLostReason = 'closed' | 'error' | 'timeout' | 'aborted' | 'local-close';

/** The end of a connection, as an event. */
export interface EslLost {
  reason: EslLostReason;
  detail: string;
  /** Clock.nowMs() when it was noticed. */
  atMs: number;
}

const silent = { debug: () => {}, info: () => {}, error: () => {} };

/** A connected, authenticated ESL client; every method returns an ActionResult, never hangs. */
export class EslClient extends EslSession implements AsyncDisposable {
  /** Connects and authenticates; BACKGROUND_JOB is subscribed so bgapi works. */
  static async connect(opts: EslClientOptions): Promise<ActionResult<EslClient>> {
    const clock = opts.clock ?? systemClock;
    const start = clock.nowMs();
    const timeoutMs = opts.connectTimeoutMs ?? 5_000;
    const socket = new Socket();
    const response = new FreeSwitchResponse(socket, silent);
    const client = new EslClient(socket, response, clock, opts.commandTimeoutMs ?? 5_000);
    const where = `ESL ${opts.host}:${opts.port}`;
    const r = await client.bounded(
      `connect to ${where}`,
      async () => {
        const greeting = response.onceAsync('freeswitch_auth_request', undefined, 'auth request');
        socket.connect({ host: opts.host, port: opts.port });
        await greeting;
        try {
          await response.send(`auth ${opts.password}`, {}, undefined);
        } catch (e) {
          throw new Error(`${where}: authentication rejected (${replyOf(e) ?? errorMessage(e)})`);
        }
        await response.send('event json BACKGROUND_JOB', {}, undefined);
      },
      { timeoutMs, signal: opts.signal },
    );
    if (!r.ok) {
      client.drop('error', r.error ?? 'connect failed');
      return { ok: false, timedOut: r.timedOut, durationMs: clock.nowMs() - start, error: r.error };
    }
    client.startProbe(opts.probeIntervalMs ?? 0);
    return { ok: true, timedOut: false, durationMs: clock.nowMs() - start, value: client };
  }

  private probe: NodeJS.Timeout | undefined;

  /** `api CMD`: ok when the reply does not start with `-` (`-ERR`, `-USAGE`); value = the reply text. */
  async api(command: string, o: CallOptions = {}): Promise<ActionResult<string>> {
    return this.bounded(
      `api ${command}`,
      async () => {
        try {
          const res = await this.response.api(command, undefined);
          return res.body;
        } catch (e) {
          const reply = replyOf(e);
          throw reply !== undefined ? new Error(reply) : e;
        }
      },
      o,
    );
  }

  /** `bgapi CMD` with our own Job-UUID; resolves with the BACKGROUND_JOB body. */
  async bgapi(
    command: string,
    o: CallOptions = {},
  ): Promise<ActionResult<{ jobUuid: string; body: string }>> {
    const jobUuid = randomUUID();
    return this.bounded(
      `bgapi ${command}`,
      async () => {
        const done = this.response.waitAsync(`BACKGROUND_JOB ${jobUuid}`, undefined, command);
        await this.response.send(`bgapi ${command}`, { 'Job-UUID': jobUuid }, undefined);
        const ev: FreeSwitchEventData = await done;
        return { jobUuid, body: String(ev.body._body ?? '') };
      },
      o,
    );
  }

  /** `event json NAMES…` (cumulative, as in FreeSWITCH); CUSTOM subclasses follow `CUSTOM`. */
  async subscribe(names: readonly string[], o: CallOptions = {}): Promise<ActionResult> {
    for (const name of names) if (/^[A-Z_]+$/.test(name)) this.listenFor(name);
    const r = await this.bounded(
      `event json ${names.join(' ')}`,
      () => this.response.send(`event json ${names.join(' ')}`, {}, undefined),
      o,
    );
    return { ...r, value: undefined };
  }

  /** `fsctl crash`: ok when the node drops the connection (it aborts; there is no reply). */
  async fsctlCrash(o: CallOptions = {}): Promise<ActionResult> {
    const r = await this.api('fsctl crash', o);
    const lost = this.lost;
    const crashed = !r.ok && lost !== undefined && (lost.reason === 'closed' || lost.reason === 'error');
    return crashed
      ? { ok: true, timedOut: false, durationMs: r.durationMs }
      : { ok: false, timedOut: r.timedOut, durationMs: r.durationMs, error: r.error ?? `reply: ${r.value}` };
  }

  /** `fsctl recover [filter]` → `+OK N session(s) recovered in total`. */
  fsctlRecover(o: CallOptions & { filter?: string } = {}): Promise<ActionResult<RecoverResult>> {
    return this.recover(o.filter ? `fsctl recover ${o.filter}` : 'fsctl recover', o);
  }

  /** `sofia recover` → `Recovered N call(s)`; also fires CUSTOM sofia::recovery_recovered. */
  sofiaRecover(o: CallOptions = {}): Promise<ActionResult<RecoverResult>> {
    return this.recover('sofia recover', o);
  }

  /** `sofia profile P recover` → `Recovered N session(s)` (no event). */
  sofiaProfileRecover(profile: string, o: CallOptions = {}): Promise<ActionResult<RecoverResult>> {
    return this.recover(`sofia profile ${profile} recover`, o);
  }

  /** `status`, parsed. */
  status(o: CallOptions = {}): Promise<ActionResult<EslStatus>> {
    return this.parsed('status', parseStatus, o);
  }

  /** `show calls`, parsed. */
  showCalls(o: CallOptions = {}): Promise<ActionResult<ShowCalls>> {
    return this.parsed('show calls', parseShowCalls, o);
  }

  /** `sofia global standby on|off`: new INVITEs get 503 while on. */
  async sofiaStandby(on: boolean, o: CallOptions = {}): Promise<ActionResult<string>> {
    const r = await this.api(`sofia global standby ${on ? 'on' : 'off'}`, o);
    if (r.ok && !/^\+OK/.test(r.value ?? ''))
      return { ...r, ok: false, error: `unexpected reply: ${r.value}` };
    return r;
  }

  /** Sends `exit` (briefly bounded) and closes; emits a `local-close` lost event. */
  async close(): Promise<void> {
    this.stopProbe();
    if (this.lost) return;
    await this.bounded('exit', () => this.response.send('exit', {}, undefined), { timeoutMs: 1_000 });
    this.drop('local-close', 'closed by us');
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  protected override onDrop(): void {
    this.stopProbe();
  }

  private async recover(command: string, o: CallOptions): Promise<ActionResult<RecoverResult>> {
    return this.parsed(
      command,
      (text) => {
        const r = parseRecoverReply(text);
        return r && { ...r, text: text.trim() };
      },
      o,
    );
  }

  private async parsed<T>(
    command: string,
    parse: (text: string) => T | undefined,
    o: CallOptions,
  ): Promise<ActionResult<T>> {
    const r = await this.api(command, o);
    if (!r.ok) return { ok: false, timedOut: r.timedOut, durationMs: r.durationMs, error: r.error };
    const value = parse(r.value ?? '');
    if (value === undefined) {
      return {
        ok: false,
        timedOut: false,
        durationMs: r.durationMs,
        error: `unexpected reply to ${command}: ${r.value}`,
      };
    }
    return { ok: true, timedOut: false, durationMs: r.durationMs, value };
  }

  private startProbe(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.probe = setInterval(() => {
      if (this.inFlight === 0 && !this.lost) void this.api('status', { timeoutMs: intervalMs });
    }, intervalMs);
    this.probe.unref();
  }

  private stopProbe(): void {
    if (this.probe) clearInterval(this.probe);
    this.probe = undefined;
  }
}

/** A recover command's parsed reply plus its raw text. */
export type RecoverResult = RecoverReply & { text: string };

/** The reply text inside esl's FreeSwitchError (a `-ERR …` api or command reply). */
function replyOf(e: unknown): string | undefined {
  if (!(e instanceof FreeSwitchError)) return undefined;
  const res = e.res as { headers?: Record<string, string | undefined>; body?: unknown } | undefined;
  if (typeof res?.body === 'string' && res.body !== '') return res.body.trim();
  return res?.headers?.['Reply-Text'] ?? String(e.args.reply ?? e.args.when ?? 'error');
}
