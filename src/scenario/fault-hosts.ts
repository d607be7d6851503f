// Lab hosts as the nemesis sees them: LabHost results turned into throws, plus `fsctl crash` for FreeSWITCH roles.
import type { ActionResult } from '../common/result.js';
import { pollUntil } from '../common/wait.js';
import type { FaultHost } from '../faults/fault.js';
import type { LabHost } from '../lab/lab-host.js';

const orThrow = async (name: string, op: string, r: Promise<ActionResult>): Promise<void> => {
  const res = await r;
  if (!res.ok) throw new Error(`${name} ${op}: ${res.error ?? 'failed'}`);
};

/** Adapts a lab host; `crash` is given for FreeSWITCH nodes (ESL `fsctl crash`). */
export function faultHost(h: LabHost, crash?: () => Promise<ActionResult>): FaultHost {
  const host: FaultHost = {
    name: h.name,
    ip: h.ip,
    kill: (signal = 'SIGKILL') => orThrow(h.name, 'kill', h.kill(signal)),
    stop: (timeoutMs = 10_000) => orThrow(h.name, 'stop', h.stop(Math.ceil(timeoutMs / 1000))),
    start: async () => {
      // After `fsctl crash` the process may take a moment to die: starting a container still running is a no-op.
      await pollUntil(async () => ((await h.state()).status === 'running' ? undefined : true), {
        timeoutMs: 10_000,
        intervalMs: 50,
      });
      await orThrow(h.name, 'start', h.start());
    },
    pause: () => orThrow(h.name, 'pause', h.pause()),
    unpause: () => orThrow(h.name, 'unpause', h.unpause()),
    disconnect: () => orThrow(h.name, 'disconnect', h.disconnect()),
    reconnect: () => orThrow(h.name, 'reconnect', h.reconnect()),
    exec: async (cmd) => {
      const r = await h.exec([...cmd]);
      return { exitCode: r.exitCode, output: `${r.stdout}${r.stderr}` };
    },
  };
  if (crash) host.crash = () => orThrow(h.name, 'fsctl crash', crash());
  return host;
}
