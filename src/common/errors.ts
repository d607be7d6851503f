// Typed errors: one ZerodropError base, a few subclasses that carry context.

/** Base of every error zerodrop raises on purpose. */
export class ZerodropError extends Error {
  override readonly name: string = 'ZerodropError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A service in the lab did not become ready in time. */
export class ReadinessTimeoutError extends ZerodropError {
  override readonly name = 'ReadinessTimeoutError';
  constructor(
    readonly host: string,
    readonly waitedMs: number,
    readonly lastLogLines: readonly string[],
    readonly detail = '',
    options?: { cause?: unknown },
  ) {
    super(
      `${host} not ready after ${waitedMs} ms${detail ? `: ${detail}` : ''}` +
        (lastLogLines.length ? `\n--- last log lines of ${host} ---\n${lastLogLines.join('\n')}` : ''),
      options,
    );
  }
}

/** A SIP transaction ended with a failure response or timeout. */
export class SipError extends ZerodropError {
  override readonly name = 'SipError';
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly callId: string,
    options?: { cause?: unknown },
  ) {
    super(`SIP ${status} ${reason} (Call-ID ${callId})`, options);
  }
}

/** A scenario file, config or CLI option is invalid. */
export class ScenarioConfigError extends ZerodropError {
  override readonly name = 'ScenarioConfigError';
  constructor(
    readonly path: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${problem}`, options);
  }
}

/** A recovery row cannot be parsed or rewritten. */
export class RecoveryRowError extends ZerodropError {
  override readonly name = 'RecoveryRowError';
  constructor(
    readonly uuid: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`recovery row ${uuid}: ${problem}`, options);
  }
}

/** The container runtime or a lab host failed an operation. */
export class LabError extends ZerodropError {
  override readonly name = 'LabError';
  constructor(
    readonly host: string,
    readonly operation: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${host}: ${operation} failed: ${message}`, options);
  }
}

/** An operation was aborted through its AbortSignal. */
export class AbortedError extends ZerodropError {
  override readonly name = 'AbortedError';
}

export const isZerodropError = (e: unknown): e is ZerodropError => e instanceof ZerodropError;
export const isReadinessTimeoutError = (e: unknown): e is ReadinessTimeoutError =>
  e instanceof ReadinessTimeoutError;
export const isSipError = (e: unknown): e is SipError => e instanceof SipError;
export const isScenarioConfigError = (e: unknown): e is ScenarioConfigError =>
  e instanceof ScenarioConfigError;
export const isRecoveryRowError = (e: unknown): e is RecoveryRowError => e instanceof RecoveryRowError;
export const isLabError = (e: unknown): e is LabError => e instanceof LabError;
export const isAbortedError = (e: unknown): e is AbortedError => e instanceof AbortedError;

/** A readable message for any thrown value. */
export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
