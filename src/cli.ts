// The `zerodrop` command: wires the concept folders' commands together (the only place besides the runner that does).
import { Command } from 'commander';
import { ZERODROP_VERSION } from './common/version.js';
import { fsSimRole } from './freeswitch/fs-sim-role.js';
import { imageFreeswitchCommand } from './freeswitch/image-freeswitch-command.js';
import { imageOpensipsCommand } from './freeswitch/pack/image-opensips-command.js';
import type { FreeswitchRole } from './lab/freeswitch-role.js';
import { imageCommand, labCommand } from './lab/lab-command.js';
import { controllerCommand, notifyCommand } from './scenario/failover-command.js';
import { postgresInitFor } from './scenario/lab-wiring.js';
import { callsCommand, migrateCommand } from './scenario/recovery-command.js';
import { analyzeCommand, demoCommand, runCommand } from './scenario/run-command.js';
import { setupCommand } from './scenario/setup-command.js';

/** Builds the command tree. */
export function buildCli(): Command {
  const program = new Command('zerodrop')
    .version(ZERODROP_VERSION)
    .description('prove a FreeSWITCH HA setup loses no answered call')
    .showHelpAfterError();
  program.addCommand(runCommand());
  program.addCommand(demoCommand());
  program.addCommand(analyzeCommand());
  program.addCommand(callsCommand());
  program.addCommand(migrateCommand());
  program.addCommand(controllerCommand());
  program.addCommand(notifyCommand());
  program.addCommand(setupCommand());
  program.addCommand(imageCommand().addCommand(imageFreeswitchCommand()).addCommand(imageOpensipsCommand()));
  // fs-sim by default; its bundle is read only when a lab really places FreeSWITCH nodes.
  let role: FreeswitchRole | undefined;
  const lazyFsSim: FreeswitchRole = (node) => {
    role ??= fsSimRole({ eslPassword: 'zerodrop' });
    return role(node);
  };
  program.addCommand(
    labCommand({
      postgresInitSql: postgresInitFor('per-node'),
      freeswitchRole: lazyFsSim,
      defaultFreeswitchNodes: 3,
    }),
  );
  return program;
}

await buildCli().parseAsync(process.argv);
