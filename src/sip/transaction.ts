// What every transaction shares: its context (send, timers) and the guard for state transitions (RFC 3261 17).
import { ZerodropError } from '../common/errors.js';
import type { SipMessage, SipResponse } from './sip-message.js';
import type { SipTimers, TimerHandle, TimerHost } from './sip-timers.js';
import type { Address } from './transport.js';

/** What the transaction layer gives each transaction. */
export interface TransactionContext {
  readonly timers: SipTimers;
  readonly timerHost: TimerHost;
  /** Serializes and sends one message to a destination. */
  send(msg: SipMessage, destination: Address): void;
  /** Sends a response where its top Via says (RFC 3261 18.2.2, RFC 3581). */
  sendResponse(res: SipResponse): void;
  /** Called once when the transaction reaches Terminated, so the layer can forget it. */
  onTerminated(key: string): void;
}

/** A transition that its state machine forbids: a bug in our code, never in the peer's. */
export class TransactionStateError extends ZerodropError {
  override readonly name = 'TransactionStateError';
}

/** Throws unless `to` is allowed from `from` in `table`. */
export function guardTransition<S extends string>(
  machine: string,
  table: Readonly<Record<S, readonly S[]>>,
  from: S,
  to: S,
): void {
  if (!table[from].includes(to))
    throw new TransactionStateError(`${machine}: ${from} -> ${to} is not allowed`);
}

/** The set of running timers of one transaction, cancelled together on Terminated. */
export class TimerSet {
  private readonly handles = new Map<string, TimerHandle>();

  constructor(private readonly host: TimerHost) {}

  /** (Re)starts the named timer. */
  start(name: string, ms: number, fn: () => void): void {
    this.stop(name);
    this.handles.set(
      name,
      this.host.schedule(ms, () => {
        this.handles.delete(name);
        fn();
      }),
    );
  }

  stop(name: string): void {
    this.handles.get(name)?.cancel();
    this.handles.delete(name);
  }

  stopAll(): void {
    for (const h of this.handles.values()) h.cancel();
    this.handles.clear();
  }

  running(name: string): boolean {
    return this.handles.has(name);
  }
}
