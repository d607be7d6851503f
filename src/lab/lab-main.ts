// Standalone entry for the lab commands (`tsx src/lab/lab-main.ts lab up …`): tests and the bench spawn it as a
// child process; users run the same commands through `zerodrop` (cli.ts).
import { Command } from 'commander';
import { imageCommand, labCommand, setupCommand } from './lab-command.js';

await new Command('zerodrop-lab')
  .addCommand(labCommand())
  .addCommand(imageCommand())
  .addCommand(setupCommand())
  .parseAsync(process.argv);
