// Control of one FreeSWITCH node over ESL for the runner: a fresh connection per command, so a dead node is a result.
import type { ActionResult } from '../common/result.js';
import { EslClient } from '../freeswitch/esl-client.js';

/** ESL access to one node. */
export interface NodeEsl {
  host: string;
  port: number;
  password: string;
}

/** Runs fn on a fresh ESL connection; a failed connect is a failed result, never a throw or a hang. */
export async function withEsl<T>(
  node: NodeEsl,
  timeoutMs: number,
  fn: (c: EslClient) => Promise<ActionResult<T>>,
  signal?: AbortSignal,
): Promise<ActionResult<T>> {
  const started = performance.now();
  const c = await EslClient.connect({
    host: node.host,
    port: node.port,
    password: node.password,
    connectTimeoutMs: timeoutMs,
    commandTimeoutMs: timeoutMs,
    ...(signal ? { signal } : {}),
  });
  if (!c.ok || !c.value) {
    return {
      ok: false,
      timedOut: c.timedOut,
      durationMs: performance.now() - started,
      error: c.error ?? 'ESL connect failed',
    };
  }
  try {
    const r = await fn(c.value);
    return { ...r, durationMs: performance.now() - started };
  } finally {
    await c.value.close().catch(() => {});
  }
}

/** `fsctl recover` on the node; value = legs recovered. */
export function recoverOn(node: NodeEsl, timeoutMs = 10_000): Promise<ActionResult<number>> {
  return withEsl(node, timeoutMs, async (c) => {
    const r = await c.fsctlRecover({ timeoutMs });
    return r.ok && r.value
      ? { ...r, value: r.value.recovered }
      : { ok: false, timedOut: r.timedOut, durationMs: r.durationMs, error: r.error ?? 'no reply' };
  });
}

/** `fsctl crash`: the process dies at once, no BYE. */
export function crashNode(node: NodeEsl, timeoutMs = 10_000): Promise<ActionResult> {
  return withEsl(node, timeoutMs, (c) => c.fsctlCrash({ timeoutMs }));
}

/** One health probe: ESL answers `status` with "ready" within the timeout. */
export async function probeNode(node: NodeEsl, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  const r = await withEsl(node, timeoutMs, (c) => c.status({ timeoutMs }), signal);
  return r.ok && r.value?.ready === true;
}

/** The implementation line of `status` (FreeSWITCH's or fs-sim's), for the report. */
export async function identify(node: NodeEsl, timeoutMs = 3_000): Promise<string | undefined> {
  const r = await withEsl(node, timeoutMs, (c) => c.status({ timeoutMs }));
  return r.value?.identity;
}
