// `zerodrop setup`: everything a fresh machine needs before a lab can run — Docker, the lab image, the fs-sim bundle.
import { Command } from 'commander';
import { buildFsSim } from '../../lab/fs-sim/build.js';
import { errorMessage } from '../common/errors.js';
import { ensureDockerEngine } from '../lab/docker-engine.js';
import { DockerRuntime } from '../lab/docker-runtime.js';
import { ensureLabImage } from '../lab/image-build.js';

/** Runs the three setup steps with progress lines; throws on the first that fails. */
export async function setupAll(print: (line: string) => void): Promise<void> {
  await ensureDockerEngine(print);
  const image = await ensureLabImage(await DockerRuntime.connect(), { onProgress: print });
  print(
    `[image] ${image.tag} ${image.built ? 'built' : 'present'} in ${(image.durationMs / 1000).toFixed(1)} s`,
  );
  const started = performance.now();
  const bundle = await buildFsSim();
  print(`[fs-sim] bundled ${bundle} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** The `setup` command. */
export function setupCommand(): Command {
  return new Command('setup')
    .description('install and start Docker if none answers, build the lab image and the fs-sim bundle')
    .action(async () => {
      try {
        await setupAll((l) => console.log(l));
      } catch (e) {
        console.error(`error: ${errorMessage(e)}`);
        process.exitCode = 1;
      }
    });
}
