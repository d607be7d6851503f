// Flags and error handling shared by the operations commands (calls, migrate, controller, notify).
import { type Command, InvalidArgumentError } from 'commander';
import { errorMessage, isZerodropError } from '../common/errors.js';

/** Adds --lab / --pg / --config / --esl-password. */
export function targetOptions(cmd: Command): Command {
  return cmd
    .option('--lab <id>', 'a running lab (default: the only one running)')
    .option(
      '--pg <dsn>',
      'postgres://USER:PASSWORD@HOST:PORT/DB of the controller role (ESL at each node SIP address:8021)',
    )
    .option(
      '--config <file>',
      'JSON config: {"pg": DSN, "nodes": [{"name", "esl": {"host","port","password"}, "fence"}]}',
    )
    .option(
      '--esl-password <password>',
      'ESL password for --lab (default zerodrop) and --pg (default ClueCon) nodes',
    );
}

/** A whole number ≥ min for commander. */
export const intOption =
  (name: string, min = 0) =>
  (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${name} must be a whole number ≥ ${min}, got ${JSON.stringify(v)}`);
    return n;
  };

/** Runs a command body that returns its exit code; a thrown error prints `error: …` and exits 2 (unknown). */
export async function opsGuard(body: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await body();
  } catch (e) {
    console.error(`error: ${isZerodropError(e) ? e.message : errorMessage(e)}`);
    process.exitCode = 2;
  }
}
