// Turns SIGINT/SIGTERM into an abort while a lab comes up, so the lab tears down before the process ends.

/** A guard: `signal` aborts on the first SIGINT/SIGTERM; `received` names it; `release()` removes the handlers. */
export interface SignalGuard {
  readonly signal: AbortSignal;
  readonly received: () => NodeJS.Signals | undefined;
  release(): void;
  /** After cleanup: removes the handlers and, if a signal came, re-raises it so the process ends as it would have. */
  releaseAndReraise(): void;
}

/** Installs SIGINT/SIGTERM handlers that abort the returned signal (and follow `parent`, when given). */
export function installSignalGuard(parent?: AbortSignal): SignalGuard {
  const controller = new AbortController();
  let got: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    got ??= sig;
    controller.abort(new Error(`received ${sig}`));
  };
  const onParent = () => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  parent?.addEventListener('abort', onParent, { once: true });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const release = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    parent?.removeEventListener('abort', onParent);
  };
  return {
    signal: controller.signal,
    received: () => got,
    release,
    releaseAndReraise: () => {
      release();
      if (got && process.listenerCount(got) === 0) process.kill(process.pid, got);
    },
  };
}
