// The life of one ESL connection: bounded calls, incoming events, and its end as an event.
import type { Socket } from 'node:net';
import type { FreeSwitchEventData, FreeSwitchResponse } from 'esl';
import type { Clock } from '../common/clock.js';
import { errorMessage } from '../common/errors.js';
import type { ActionResult } from '../common/result.js';
import type { CallOptions, EslLost, EslLostReason } from './esl-client.js';

/** One event received from the node (JSON format, so header values are already decoded). */
export interface EslEventMessage {
  name: string;
  subclass?: string;
  headers: Record<string, string>;
  body?: string;
  /** Clock.nowMs() at arrival. */
  atMs: number;
}

/** Connection state shared by the ESL client's commands. */
export abstract class EslSession {
  private lostInfo: EslLost | undefined;
  private readonly lostListeners = new Set<(lost: EslLost) => void>();
  private readonly eventListeners = new Set<(ev: EslEventMessage) => void>();
  private readonly listening = new Set<string>();
  private notice = '';
  /** Calls currently waiting for a reply. */
  protected inFlight = 0;

  protected constructor(
    protected readonly socket: Socket,
    protected readonly response: FreeSwitchResponse,
    protected readonly clock: Clock,
    protected readonly defaultTimeoutMs: number,
  ) {
    socket.on('error', (e) => this.drop('error', e.message));
    socket.on('end', () => this.drop('closed', this.peerClosed()));
    socket.on('close', () => this.drop('closed', this.peerClosed()));
    response.on('freeswitch_disconnect_notice', (msg) => {
      this.notice = msg.body.trim();
    });
  }

  /** Set once the connection is gone; every later call fails at once. */
  get lost(): EslLost | undefined {
    return this.lostInfo;
  }

  /** Calls fn once when the connection ends (at once if it already has). Returns an unsubscribe. */
  onLost(fn: (lost: EslLost) => void): () => void {
    if (this.lostInfo) {
      fn(this.lostInfo);
      return () => {};
    }
    this.lostListeners.add(fn);
    return () => this.lostListeners.delete(fn);
  }

  /** Calls fn for every subscribed event. Returns an unsubscribe. */
  onEvent(fn: (ev: EslEventMessage) => void): () => void {
    this.eventListeners.add(fn);
    return () => this.eventListeners.delete(fn);
  }

  /** Waits for the first event matching pred (register before triggering it). */
  waitForEvent(
    pred: (ev: EslEventMessage) => boolean,
    o: CallOptions = {},
  ): Promise<ActionResult<EslEventMessage>> {
    let off = () => {};
    const got = new Promise<EslEventMessage>((resolve) => {
      off = this.onEvent((ev) => {
        if (pred(ev)) resolve(ev);
      });
    });
    // Waiting for an event sends nothing, so its timeout must not poison the connection.
    return this.bounded('wait for event', () => got, { ...o, keepOnTimeout: true }).finally(off);
  }

  /** Ends the connection (idempotent) and tells the onLost listeners. */
  drop(reason: EslLostReason, detail: string): void {
    if (this.lostInfo) return;
    this.lostInfo = { reason, detail, atMs: this.clock.nowMs() };
    this.socket.destroy();
    this.onDrop();
    for (const fn of this.lostListeners) fn(this.lostInfo);
    this.lostListeners.clear();
  }

  protected onDrop(): void {}

  /** Registers esl's per-name emitter for an event name we subscribe to. */
  protected listenFor(name: string): void {
    if (this.listening.has(name)) return;
    this.listening.add(name);
    this.response.on(name as 'CUSTOM', (data: FreeSwitchEventData) => this.deliver(data));
  }

  /**
   * Runs fn against the connection with a deadline. Timeout or abort destroys the connection
   * (a late reply would otherwise answer the next command); a lost connection ends the call at once.
   */
  protected async bounded<T>(
    what: string,
    fn: () => Promise<T>,
    o: CallOptions & { keepOnTimeout?: boolean },
  ): Promise<ActionResult<T>> {
    const start = this.clock.nowMs();
    const timeoutMs = o.timeoutMs ?? this.defaultTimeoutMs;
    const took = () => this.clock.nowMs() - start;
    if (this.lostInfo) return { ok: false, timedOut: false, durationMs: 0, error: this.lostText() };
    let timer: NodeJS.Timeout | undefined;
    let offLost = () => {};
    let onAbort = () => {};
    type Outcome =
      | { kind: 'value'; value: T }
      | { kind: 'timeout' | 'lost' | 'aborted' | 'error'; error: string };
    const outcome = await new Promise<Outcome>((resolve) => {
      timer = setTimeout(
        () => resolve({ kind: 'timeout', error: `${what}: no reply within ${timeoutMs} ms` }),
        timeoutMs,
      );
      offLost = this.onLost(() => resolve({ kind: 'lost', error: `${what}: ${this.lostText()}` }));
      onAbort = () => resolve({ kind: 'aborted', error: `${what}: aborted` });
      if (o.signal?.aborted) onAbort();
      o.signal?.addEventListener('abort', onAbort, { once: true });
      this.inFlight++;
      fn().then(
        (value) => resolve({ kind: 'value', value }),
        (e: unknown) => resolve({ kind: 'error', error: errorMessage(e) }),
      );
    });
    this.inFlight--;
    clearTimeout(timer);
    offLost();
    o.signal?.removeEventListener('abort', onAbort);
    if (outcome.kind === 'value')
      return { ok: true, timedOut: false, durationMs: took(), value: outcome.value };
    if (outcome.kind === 'timeout' && !o.keepOnTimeout) this.drop('timeout', outcome.error);
    if (outcome.kind === 'aborted' && !o.keepOnTimeout) this.drop('aborted', outcome.error);
    // esl rejects a pending call when the socket closes; report that as the lost connection.
    const error = outcome.kind === 'error' && this.lostInfo ? `${what}: ${this.lostText()}` : outcome.error;
    return { ok: false, timedOut: outcome.kind === 'timeout', durationMs: took(), error };
  }

  private deliver(data: FreeSwitchEventData): void {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(data.body)) {
      if (k !== '_body' && v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : String(v);
    }
    const name = headers['Event-Name'] ?? '';
    const body = data.body._body;
    const ev: EslEventMessage = { name, headers, atMs: this.clock.nowMs() };
    if (headers['Event-Subclass'] !== undefined) ev.subclass = headers['Event-Subclass'];
    if (body !== undefined) ev.body = String(body);
    for (const fn of this.eventListeners) fn(ev);
  }

  private peerClosed(): string {
    return this.notice
      ? `connection closed by peer (${this.notice.split('\n')[0]})`
      : 'connection closed by peer';
  }

  private lostText(): string {
    const l = this.lostInfo;
    return l ? `connection lost (${l.reason}: ${l.detail})` : 'connection lost';
  }
}
