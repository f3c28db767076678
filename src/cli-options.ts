/** What the `docker-resource` commands share: the command shape, usage errors, option parsing, output. */
import type { ParseArgsConfig } from 'node:util';
import { DockerResourceError } from './errors/index.js';
import type { LayerSnapshot } from './layer-snapshot.js';
import { line } from './text.js';

/** Where the command reads and writes; injectable for tests. */
export interface CliIO {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Parsed option values of one command. */
export type Values = Record<string, string | boolean | undefined>;

/** One option of a command: how it parses, and its line in `--help`. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's name in `--help` (`--timeout MS`); for a string option whose value is optional, `[=URL]`. */
  arg?: string;
  help: string;
}

/** One subcommand: its help and what it runs; `--help` lists exactly the options it parses. */
export interface Command {
  summary: string;
  /** The command line, without the options (`fetch NAME...`). */
  synopsis: string;
  /** What it does, in a few lines. */
  description: string;
  options: Readonly<Record<string, OptionSpec>>;
  run: (values: Values, positionals: string[], io: CliIO) => Promise<number>;
}

/** `-h, --help`, which every command takes. */
export const HELP: Readonly<Record<string, OptionSpec>> = { help: { type: 'boolean', short: 'h', help: 'print this help' } };

/** The `parseArgs` options of a command. */
export function parseOptions(command: Command): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    Object.entries(command.options).map(([name, o]) => [name, o.short ? { type: o.type, short: o.short } : { type: o.type }]),
  );
}

/** A command's `--help` text: its synopsis, description, and one line per option it takes. */
export function usageOf(name: string, command: Command): string {
  const flags = Object.entries(command.options).map(([option, o]) => {
    const arg = o.arg === undefined ? '' : o.arg.startsWith('[') ? o.arg : ` ${o.arg}`;
    return [`${o.short ? `-${o.short}, ` : '    '}--${option}${arg}`, o.help] as const;
  });
  const width = Math.max(...flags.map(([f]) => f.length));
  const lines = flags.map(([f, help]) => `  ${f.padEnd(width)}  ${help}`);
  return `Usage: docker-resource ${name} ${command.synopsis}\n\n${command.description}\n\nOptions:\n${lines.join('\n')}\n`;
}

/** A usage error: exit 2 with the message and a pointer to --help. */
export class UsageError extends DockerResourceError {
  override name = 'UsageError';
}

/** Options every command that reads a charm takes. */
export const COMMON: Readonly<Record<string, OptionSpec>> = {
  'charm-dir': { type: 'string', arg: 'DIR', help: 'the charm directory (default: $JUJU_CHARM_DIR, $CHARM_DIR, else .)' },
  'state-file': { type: 'string', arg: 'FILE', help: 'where the state lives (default: DIR/.docker-resource/state.json)' },
  ...HELP,
};

/** `--json`, for the commands that can print JSON. */
export const JSON_OPTION: Readonly<Record<string, OptionSpec>> = { json: { type: 'boolean', help: 'print JSON' } };

/** The largest delay a Node timer holds (2³¹−1 ms): a larger number would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Throws a usage error when a command that takes no arguments got some. */
export function noPositionals(command: string, positionals: string[]): void {
  if (positionals.length > 0) throw new UsageError(`${command} takes no arguments (got "${positionals[0]}")`);
}

/** An integer option between `min` and 2³¹−1, or undefined when not given. */
export function int(values: Values, key: string, min: number): number | undefined {
  const raw = values[key];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > MAX_TIMER_MS)
    throw new UsageError(`--${key} must be an integer from ${min} to ${MAX_TIMER_MS}, not "${String(raw)}"`);
  return n;
}

/** The charm directory, state file and environment the options name. */
export function pathOptions(values: Values, io: CliIO): { env: NodeJS.ProcessEnv; charmDir?: string; stateFile?: string } {
  return {
    env: io.env,
    ...(typeof values['charm-dir'] === 'string' ? { charmDir: values['charm-dir'] } : {}),
    ...(typeof values['state-file'] === 'string' ? { stateFile: values['state-file'] } : {}),
  };
}

/** Prints one warning line on stderr, escaped. */
export function warn(io: CliIO, message: string): void {
  io.stderr(line(`docker-resource: warning: ${message}`));
}

/** Reads the saved state read-only (no lock, no hook tool), printing its warnings. */
export async function readSnapshot(values: Values, io: CliIO, history = true): Promise<LayerSnapshot> {
  const { readLayerSnapshot } = await import('./layer-snapshot.js');
  const snapshot = await readLayerSnapshot({ ...pathOptions(values, io), history });
  for (const w of snapshot.warnings) warn(io, w);
  return snapshot;
}
