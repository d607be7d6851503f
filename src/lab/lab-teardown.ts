// Teardown by label: save every container's log, remove the containers, then the networks.
// Works for a lab this process started and for leftovers of any other (`lab down`, `lab prune`).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage, LabError } from '../common/errors.js';
import type { ContainerRuntime } from './container-runtime.js';

/** The label every lab resource carries; its value is the lab id. */
export const labLabel = 'zerodrop.lab';

/** What a teardown removed. */
export interface TeardownResult {
  containers: number;
  networks: number;
  /** Where the logs went, when asked to keep them. */
  logsDir?: string;
  durationMs: number;
}

/** Options of a teardown. */
export interface TeardownOptions {
  /** Write each container's full log to <logsDir>/<host>.log before removing it. */
  logsDir?: string;
  onProgress?: (line: string) => void;
}

/** Removes everything labelled with this lab id (or every lab's, when labId is undefined). */
export async function teardownLab(
  runtime: ContainerRuntime,
  labId: string | undefined,
  { logsDir, onProgress }: TeardownOptions = {},
): Promise<TeardownResult> {
  const start = performance.now();
  const failures: string[] = [];
  const containers = await runtime.listContainers(labLabel, labId);
  if (logsDir && containers.length) await mkdir(logsDir, { recursive: true });
  await Promise.all(
    containers.map(async (c) => {
      const handle = runtime.container(c.id);
      if (logsDir) {
        const file = labId ? (c.labels['zerodrop.host'] ?? c.name) : c.name;
        try {
          const lines = await handle.logs(100_000);
          await writeFile(join(logsDir, `${file}.log`), `${lines.join('\n')}\n`);
        } catch (e) {
          // A container something else is already removing has no logs left to save; only say so.
          if (/409|404|no such container/i.test(errorMessage(e)))
            onProgress?.(`[lab ${labId ?? '*'}] ${c.name}: no logs (gone)`);
          else failures.push(`${c.name}: logs: ${errorMessage(e)}`);
        }
      }
      try {
        await handle.remove();
      } catch (e) {
        failures.push(`${c.name}: remove: ${errorMessage(e)}`);
      }
    }),
  );
  const networks = await runtime.listNetworks(labLabel, labId);
  await Promise.all(
    networks.map(async (n) => {
      try {
        await runtime.removeNetwork(n.id);
      } catch (e) {
        failures.push(`${n.name}: ${errorMessage(e)}`);
      }
    }),
  );
  const durationMs = performance.now() - start;
  onProgress?.(
    `[lab ${labId ?? '*'}] removed ${containers.length} containers, ${networks.length} networks in ${Math.round(durationMs)} ms` +
      (logsDir && containers.length ? `; logs in ${logsDir}` : ''),
  );
  if (failures.length) throw new LabError(labId ?? 'labs', 'teardown', failures.join('; '));
  return { containers: containers.length, networks: networks.length, logsDir, durationMs };
}
