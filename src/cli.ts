// The `zerodrop` command: wires the concept folders' commands together (the only place besides the runner that does).
import { Command } from 'commander';
import { ZERODROP_VERSION } from './common/version.js';
import { imageFreeswitchCommand } from './freeswitch/image-freeswitch-command.js';
import { imageCommand, labCommand, setupCommand } from './lab/lab-command.js';
import { postgresInitFor } from './scenario/lab-wiring.js';

/** Builds the command tree. */
export function buildCli(): Command {
  const program = new Command('zerodrop')
    .version(ZERODROP_VERSION)
    .description('prove a FreeSWITCH HA setup loses no answered call')
    .showHelpAfterError();
  program.addCommand(setupCommand());
  program.addCommand(imageCommand().addCommand(imageFreeswitchCommand()));
  program.addCommand(labCommand({ postgresInitSql: postgresInitFor('per-node') }));
  return program;
}

await buildCli().parseAsync(process.argv);
