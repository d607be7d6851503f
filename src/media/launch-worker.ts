// Starts the media worker from TypeScript source or built JavaScript alike.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerConfig } from './worker-protocol.js';

/**
 * Launches media-worker. Under tsx or vitest the worker file is .ts, which a fresh worker cannot load by
 * itself (eval'd and test-runner workers do not inherit the loader), so it registers tsx first.
 */
export function launchWorker(config: WorkerConfig): Worker {
  const here = fileURLToPath(import.meta.url);
  const ext = path.extname(here);
  const file = path.join(path.dirname(here), `media-worker${ext}`);
  if (ext === '.js' && existsSync(file)) return new Worker(file, { workerData: config });
  const tsxDir = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(path.join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const target = pathToFileURL(file.replace(/\.js$/, '.ts')).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); })`;
  return new Worker(code, { eval: true, workerData: config });
}
