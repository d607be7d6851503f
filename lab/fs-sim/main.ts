// fs-sim's command line: `node fs-sim.mjs --config /etc/fs-sim/config.json`.
import { errorMessage } from '../../src/common/errors.js';
import { loadFsSimConfig } from './config.js';
import { FsSimNode } from './fs-sim-node.js';

function configPath(argv: readonly string[]): string | undefined {
  const i = argv.indexOf('--config');
  return i >= 0 ? argv[i + 1] : undefined;
}

const log = (line: string): void => {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
};

async function main(): Promise<void> {
  const path = configPath(process.argv.slice(2));
  if (!path) {
    process.stderr.write('usage: fs-sim --config /etc/fs-sim/config.json\n');
    process.exit(2);
  }
  const config = await loadFsSimConfig(path);
  const node = await FsSimNode.start(config, { log });
  let stopping = false;
  const stop = (sig: string) => {
    if (stopping) return;
    stopping = true;
    log(`${sig}: hanging up ${node.ctx.channels.all().length} channel(s)`);
    void node.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  log('fs-sim ready');
}

main().catch((e) => {
  process.stderr.write(`fs-sim: ${errorMessage(e)}\n`);
  process.exit(1);
});
