// The lab image: tagged by a hash of its build inputs, built only when that tag is missing.
// A cached rootfs archive (keyed by the same hash) turns a rebuild into a re-import.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { LabError } from '../common/errors.js';
import type { ContainerRuntime } from './container-runtime.js';
import { labDir } from './render-template.js';

/** Files whose content decides the image (all of them are baked in or drive the build), in hash order. */
export const labImageInputs = ['images/packages.txt', 'images/build-rootfs.sh'] as const;

/** Where rootfs archives are cached between builds. */
export const defaultImageCacheDir = '/var/cache/zerodrop/images';

/** `zerodrop/lab:<first 12 hex of sha256 over the inputs>`. */
export function labImageTag(inputs: readonly string[] = labImageInputs, dir = labDir): string {
  const hash = createHash('sha256');
  for (const f of inputs) hash.update(readFileSync(join(dir, f)));
  return `zerodrop/lab:${hash.digest('hex').slice(0, 12)}`;
}

/** Image build options. */
export interface ImageBuildOptions {
  /** Rootfs archive cache (default /var/cache/zerodrop/images); point it at an empty dir for a true cold build. */
  cacheDir?: string;
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
  /** Build under this tag instead of labImageTag() (the bench does, to leave the shared tag alone). */
  tag?: string;
}

/** What ensureLabImage did. */
export interface ImageBuildResult {
  tag: string;
  /** false: the tag existed and nothing ran. */
  built: boolean;
  durationMs: number;
}

/** Image lookup through the docker CLI: the warm check without loading testcontainers (a CLI start stays short). */
export const dockerCliImages: Pick<ContainerRuntime, 'imageExists'> = {
  imageExists: async (image) =>
    spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore' }).status === 0,
};

/** Builds the lab image unless its tag already exists; streams the build's progress lines. */
export async function ensureLabImage(
  runtime: Pick<ContainerRuntime, 'imageExists'> = dockerCliImages,
  options: ImageBuildOptions = {},
): Promise<ImageBuildResult> {
  const start = performance.now();
  const tag = options.tag ?? labImageTag();
  if (await runtime.imageExists(tag)) {
    options.onProgress?.(`[image] ${tag} present, nothing to build`);
    return { tag, built: false, durationMs: performance.now() - start };
  }
  options.onProgress?.(`[image] building ${tag}`);
  await runBuildScript(tag, options);
  return { tag, built: true, durationMs: performance.now() - start };
}

async function runBuildScript(
  tag: string,
  { cacheDir = defaultImageCacheDir, onProgress, signal }: ImageBuildOptions,
) {
  const child = spawn('bash', [join(labDir, 'images', 'build-rootfs.sh'), tag, cacheDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    signal,
  });
  const tail: string[] = [];
  const take = (line: string) => {
    tail.push(line);
    if (tail.length > 30) tail.shift();
    onProgress?.(line);
  };
  createInterface({ input: child.stdout }).on('line', take);
  createInterface({ input: child.stderr }).on('line', take);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  }).catch((e: unknown) => {
    throw new LabError('image', 'build', `build-rootfs.sh did not run: ${String(e)}`, { cause: e });
  });
  if (code !== 0) throw new LabError('image', 'build', `build-rootfs.sh exited ${code}\n${tail.join('\n')}`);
}
