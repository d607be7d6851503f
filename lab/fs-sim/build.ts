// Bundles fs-sim into one ESM file for the lab image's Node 18: `npx tsx lab/fs-sim/build.ts`.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/** Output path of the bundle. */
export const FS_SIM_BUNDLE = join(here, 'dist', 'fs-sim.mjs');

/** Builds dist/fs-sim.mjs (target node18, pg bundled); returns its path. */
export async function buildFsSim(): Promise<string> {
  await build({
    entryPoints: [join(here, 'main.ts')],
    outfile: FS_SIM_BUNDLE,
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'esm',
    // pg's optional native binding is never used; CJS deps need require() inside an ESM bundle
    external: ['pg-native'],
    banner: {
      js: "import { createRequire as __fsSimRequire } from 'node:module'; const require = __fsSimRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return FS_SIM_BUNDLE;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildFsSim().then(
    (p) => process.stdout.write(`${p}\n`),
    (e) => {
      process.stderr.write(`${String(e)}\n`);
      process.exit(1);
    },
  );
}
