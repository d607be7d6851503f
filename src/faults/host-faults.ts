// Faults on a whole host: application crash, SIGKILL, graceful stop, pause; each heals by bringing it back.
import type { Fault, FaultHost, FaultInvocation } from './fault.js';
import { runFaultAction } from './run-fault-action.js';

function hostFault(
  name: string,
  hit: (h: FaultHost) => Promise<unknown>,
  undo: (h: FaultHost) => Promise<unknown>,
): Fault {
  return {
    name,
    async invoke(targets): Promise<FaultInvocation> {
      const outcome = await runFaultAction(name, targets, hit);
      let healed = false;
      return {
        outcome,
        heal: async () => {
          if (healed) return { ...outcome, ok: true, durationMs: 0, value: { alreadyHealed: true } };
          healed = true;
          return runFaultAction(name, targets, undo);
        },
      };
    },
  };
}

async function crash(h: FaultHost): Promise<void> {
  if (!h.crash) throw new Error(`${h.name} has no application crash (not a FreeSWITCH role)`);
  await h.crash();
}

/** `fsctl crash`: the process dies at once, no BYE, recovery rows stay. Heal restarts the host. */
export const crashFault = hostFault('crash', crash, (h) => h.start());
/** SIGKILL of the container: like a power cut. Heal restarts the host. */
export const killFault = hostFault(
  'kill',
  (h) => h.kill('SIGKILL'),
  (h) => h.start(),
);
/** Graceful stop (SIGTERM): FreeSWITCH hangs calls up and deletes their rows. Heal restarts it. */
export const stopFault = hostFault(
  'stop',
  (h) => h.stop(10_000),
  (h) => h.start(),
);
/** docker pause: frozen, still believes it is alive. Heal unpauses. */
export const pauseFault = hostFault(
  'pause',
  (h) => h.pause(),
  (h) => h.unpause(),
);
