/** The `docker-resource` command: the layer for any charm, even a bash one. */
import { parseArgs } from 'node:util';
import { HOOK_COMMANDS } from './cli-hook.js';
import { parseOptions, UsageError, usageOf, type CliIO, type Command, type Values } from './cli-options.js';
import { READ_COMMANDS } from './cli-read.js';
import { REPORT_COMMANDS } from './cli-report.js';
import { demoCommand } from './cli-demo.js';
import { DockerResourceError } from './errors/index.js';
import { line } from './text.js';
import { VERSION } from './version.js';

export type { CliIO } from './cli-options.js';

/** Every command, by name (a Map: the name comes from the command line). */
const COMMANDS: ReadonlyMap<string, Command> = new Map([
  ...HOOK_COMMANDS,
  ...READ_COMMANDS,
  ...REPORT_COMMANDS,
  ['demo', demoCommand((argv, io) => main(argv, io))],
]);

const MAIN_HELP = `docker-resource: Juju oci-image resources for any charm

Usage: docker-resource <command> [options]

Commands:
${[...COMMANDS]
  .map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
  .join('\n')}

Run "docker-resource <command> --help" for a command's options;
"docker-resource --version" (or -V) prints the version.`;

/** Runs the command line; returns the exit code (0 ok, 1 failed, 2 usage). */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...given] = argv;
  // A bare --inspect means the default inspector (parseArgs has no optional values); after `--`, text.
  const end = given.indexOf('--');
  const rest = given.map((a, i) => (a === '--inspect' && (end === -1 || i < end) ? '--inspect=' : a));
  if (name === '--version' || name === '-V') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(MAIN_HELP + '\n');
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.get(name);
  try {
    if (!command) throw new UsageError(`unknown command "${name}"`);
    let parsed;
    try {
      parsed = parseArgs({ args: [...rest], options: parseOptions(command), allowPositionals: true, strict: true });
    } catch (error) {
      throw new UsageError((error as Error).message.split('\n')[0]!.replace(/^Unknown option/, `unknown option for "${name}"`));
    }
    if (parsed.values['help']) {
      io.stdout(usageOf(name, command));
      return 0;
    }
    return await command.run(parsed.values as Values, parsed.positionals, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(line(`docker-resource: ${error.message}`) + line(`Run "docker-resource ${command ? `${name} ` : ''}--help" for usage.`));
      return 2;
    }
    if (error instanceof DockerResourceError) {
      io.stderr(line(`docker-resource: ${error.message}`));
      return 1;
    }
    io.stderr(line(`docker-resource: unexpected error: ${error instanceof Error ? error.message : String(error)}`));
    return 1;
  }
}
