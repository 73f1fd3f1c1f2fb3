import { ConfigError } from '@comply/config';
import { describeError } from '@comply/persistence';
import { Parsed, UsageError } from './backup-cli-arguments';

/** A failure the command reports as it is (exit code 1). */
export class CommandFailure extends Error {}

/**
 * Runs a command-line tool: arguments parsed (bad ones: the usage, exit 2; --help: the usage, exit
 * 0), then `work`, whose answer is the exit code. Anything thrown is one line on stderr and exit 1;
 * errors other than ours are described without values (database errors by SQLSTATE).
 */
export function runCommand<T>(name: string, usage: string, parse: (argv: string[]) => Parsed<T>, work: (args: T) => Promise<number>): void {
  const main = async (): Promise<number> => {
    let parsed: Parsed<T>;
    try {
      parsed = parse(process.argv.slice(2));
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      process.stderr.write(`${name}: ${error.message}\n\n${usage}\n`);
      return 2;
    }
    if (parsed.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    return work(parsed as T);
  };
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      const known = error instanceof CommandFailure || error instanceof ConfigError;
      process.stderr.write(`${name}: ${known ? (error as Error).message : describeError(error)}\n`);
      process.exit(1);
    },
  );
}
