/** The `docker-resource` command: the layer for any charm, even a bash one. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DockerResourceError, ResourceError } from './errors/index.js';
import type { LayerOptions, Transition } from './orchestrator.js';
import pkg from '../package.json' with { type: 'json' };

/** Where the command reads and writes; injectable for tests. */
export interface CliIO {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** A usage error: exit 2 with the message and a pointer to --help. */
class UsageError extends DockerResourceError {
  override name = 'UsageError';
}

const COMMON = {
  'charm-dir': { type: 'string' },
  'state-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const HOOK_OPTIONS = {
  ...COMMON,
  inspect: { type: 'string' },
  'fail-on-error': { type: 'boolean' },
  'no-status': { type: 'boolean' },
  concurrency: { type: 'string' },
  timeout: { type: 'string' },
  retries: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

interface Command {
  summary: string;
  usage: string;
  options: ParseArgsConfig['options'];
  run: (values: Record<string, string | boolean | undefined>, positionals: string[], io: CliIO) => Promise<number>;
}

const HOOK_HELP = `
  --charm-dir DIR     the charm directory (default: $JUJU_CHARM_DIR, $CHARM_DIR, else .)
  --state-file FILE   where the state lives (default: DIR/.docker-resource/state.json)
  --no-status         do not set the unit status (as set-status: false in layer.yaml)
  --concurrency N     fetch at most N resources at once (default 16)
  --timeout MS        time limit of one fetch in ms (default 300000)
  --retries N         in-hook retries of a failing resource-get (default 1; 0 = off)
  --fail-on-error     exit 1 when a resource failed, so Juju retries the hook
  --inspect[=URL]     send every actor event (redacted) to the Stately inspector
  -q, --quiet         print no transitions`;

const COMMANDS: Record<string, Command> = {
  hook: {
    summary: "run the layer's part of the current hook",
    usage: `docker-resource hook [options]

Auto-fetches (first hook), refetches on upgrade-charm, retries failed
resources, sets the status and saves the state. Exits 0 when a resource
failed (the status says so), unless --fail-on-error.
${HOOK_HELP}`,
    options: HOOK_OPTIONS,
    run: (values, positionals, io) => {
      noPositionals('hook', positionals);
      return runLayer(values, io, (layer) => layer.runHook());
    },
  },
  fetch: {
    summary: 'request resources and fetch them now',
    usage: `docker-resource fetch NAME... [options]

Requests each resource (it stays requested) and fetches it now.
Exits 1 if any failed, naming it.
${HOOK_HELP}`,
    options: HOOK_OPTIONS,
    run: (values, positionals, io) => {
      if (positionals.length === 0) throw new UsageError('fetch needs at least one resource name');
      return runLayer({ ...values, 'fail-on-error': true }, io, (layer) => layer.fetchNow(positionals));
    },
  },
  info: {
    summary: "print a resource's image info (secrets redacted)",
    usage: `docker-resource info NAME [--json] [--show-secrets]

Prints the image info of an available resource. Credentials are shown as
<redacted> unless --show-secrets. Exits 1 when the resource is not available.
  --json            print JSON
  --show-secrets    print password, auth and tokens as they are`,
    options: { ...COMMON, json: { type: 'boolean' }, 'show-secrets': { type: 'boolean' } },
    run: async (values, positionals, io) => {
      if (positionals.length !== 1) throw new UsageError('info needs exactly one resource name');
      const snapshot = await readSnapshot(values, io);
      const info = snapshot.getInfo(positionals[0]!);
      const data = values['show-secrets'] ? info.fields() : info.toJSON();
      if (values['json']) io.stdout(JSON.stringify(data, null, 2) + '\n');
      else
        io.stdout(
          Object.entries(data)
            .map(([k, v]) => `${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}: ${String(v)}`)
            .join('\n') + '\n',
        );
      return 0;
    },
  },
  flags: {
    summary: 'print the flags, one a line, sorted (works outside a hook)',
    usage: `docker-resource flags

Prints the layer's flags (layer.docker-resource.*), derived from the saved
state. Needs no hook tools.`,
    options: COMMON,
    run: async (values, positionals, io) => {
      noPositionals('flags', positionals);
      const { flags } = await readSnapshot(values, io);
      if (flags.length > 0) io.stdout(flags.join('\n') + '\n');
      return 0;
    },
  },
  status: {
    summary: "print each resource's state, reason and last change",
    usage: `docker-resource status [--json]

Prints each oci-image resource: its state, the failure reason, and its
last change. Needs no hook tools.
  --json    print JSON`,
    options: { ...COMMON, json: { type: 'boolean' } },
    run: async (values, positionals, io) => {
      noPositionals('status', positionals);
      const snapshot = await readSnapshot(values, io);
      const rows = snapshot.resources.map(({ name, state, context }) => {
        const last = snapshot.state.history[name]?.at(-1);
        return {
          name,
          state,
          requested: context.requested,
          changed: context.changed,
          attempts: context.attempts,
          ...(context.failure ? { kind: context.failure.kind, reason: context.failure.reason } : {}),
          ...(last ? { lastChange: { at: last.at, hook: last.hook, from: last.from, to: last.to } } : {}),
        };
      });
      if (values['json']) {
        io.stdout(JSON.stringify({ resources: rows, status: snapshot.state.status }, null, 2) + '\n');
        return 0;
      }
      if (rows.length === 0) io.stdout('no oci-image resources in the charm metadata\n');
      for (const r of rows) {
        const since = r.lastChange ? `  (since ${r.lastChange.at}${r.lastChange.hook ? `, ${r.lastChange.hook}` : ''})` : '';
        const why = r.reason ? `  ${r.kind}: ${r.reason}` : r.changed ? '  changed' : '';
        io.stdout(`${r.name}  ${r.state}${why}${since}\n`);
      }
      return 0;
    },
  },
  history: {
    summary: "print a resource's recorded transitions across hooks",
    usage: `docker-resource history NAME [--json]

Prints the last recorded transitions of a resource (oldest first), with time
and hook name. Older entries are dropped.
  --json    print JSON`,
    options: { ...COMMON, json: { type: 'boolean' } },
    run: async (values, positionals, io) => {
      if (positionals.length !== 1) throw new UsageError('history needs exactly one resource name');
      const entries = (await readSnapshot(values, io)).history(positionals[0]!);
      if (values['json']) io.stdout(JSON.stringify(entries, null, 2) + '\n');
      else if (entries.length === 0) io.stdout(`no transitions recorded for ${positionals[0]}\n`);
      else
        for (const e of entries)
          io.stdout(`${e.at}  ${(e.hook ?? '-').padEnd(16)} ${e.from} → ${e.to}  (${e.event})${e.reason ? `  ${e.reason}` : ''}\n`);
      return 0;
    },
  },
  graph: {
    summary: 'print the resource lifecycle or the hook cycle as a state diagram',
    usage: `docker-resource graph [--machine resource|layer] [--format mermaid|dot]

Prints a machine as a Mermaid (default) or Graphviz diagram: the resource
lifecycle (default), or the hook cycle over the resources (--machine layer).
  --machine NAME    resource (default) or layer
  --format FORMAT   mermaid (default) or dot`,
    options: { help: COMMON.help, format: { type: 'string' }, machine: { type: 'string' } },
    run: async (values, positionals, io) => {
      noPositionals('graph', positionals);
      const format = (values['format'] as string | undefined) ?? 'mermaid';
      if (format !== 'mermaid' && format !== 'dot') throw new UsageError(`--format must be mermaid or dot, not "${format}"`);
      const machine = (values['machine'] as string | undefined) ?? 'resource';
      if (machine !== 'resource' && machine !== 'layer') throw new UsageError(`--machine must be resource or layer, not "${machine}"`);
      const { machineDiagram } = await import('./graph.js');
      io.stdout(machineDiagram(format, machine) + '\n');
      return 0;
    },
  },
  demo: {
    summary: "a charm's life on a simulated Juju, with no set-up",
    usage: `docker-resource demo [--clean]

Runs a charm with two oci-image resources through install, update-status and
upgrade-charm on a simulated Juju (fake hook tools, spawned by the real
adapter) and prints what each hook did. What it writes is left in a temporary
directory for you to explore with the other commands; it prints how to remove it.
  --clean    remove what it wrote at the end`,
    options: { help: COMMON.help, clean: { type: 'boolean' } },
    run: async (values, positionals, io) => {
      noPositionals('demo', positionals);
      const { runDemo } = await import('./demo/demo.js');
      const tty = Boolean(process.stdout.isTTY);
      return runDemo({
        out: { write: io.stdout, live: tty, colour: tty && !io.env['NO_COLOR'] },
        env: io.env,
        clean: values['clean'] === true,
        cli: async (args) => {
          let text = '';
          await main(args, { env: io.env, stdout: (t) => void (text += t), stderr: io.stderr });
          return text;
        },
        script: process.argv[1],
      });
    },
  },
};

function noPositionals(command: string, positionals: string[]): void {
  if (positionals.length > 0) throw new UsageError(`${command} takes no arguments (got "${positionals[0]}")`);
}

function int(values: Record<string, unknown>, key: string, min: number): number | undefined {
  const raw = values[key];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${key} must be an integer ≥ ${min}, not "${String(raw)}"`);
  return n;
}

function pathOptions(values: Record<string, unknown>, io: CliIO) {
  return {
    env: io.env,
    ...(typeof values['charm-dir'] === 'string' ? { charmDir: values['charm-dir'] } : {}),
    ...(typeof values['state-file'] === 'string' ? { stateFile: values['state-file'] } : {}),
  };
}

async function readSnapshot(values: Record<string, unknown>, io: CliIO) {
  const { readLayerSnapshot } = await import('./layer-snapshot.js');
  const snapshot = await readLayerSnapshot(pathOptions(values, io));
  for (const w of snapshot.warnings) io.stderr(`docker-resource: warning: ${w}\n`);
  return snapshot;
}

async function runLayer(
  values: Record<string, string | boolean | undefined>,
  io: CliIO,
  act: (layer: import('./orchestrator.js').DockerResourceLayer) => Promise<import('./orchestrator.js').HookSummary>,
): Promise<number> {
  const concurrency = int(values, 'concurrency', 1);
  const fetchTimeoutMs = int(values, 'timeout', 1);
  const retries = int(values, 'retries', 0);
  const options: LayerOptions = {
    ...pathOptions(values, io),
    onWarning: (m) => io.stderr(`docker-resource: warning: ${m}\n`),
    ...(values['no-status'] ? { setStatus: false } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(fetchTimeoutMs !== undefined ? { fetchTimeoutMs } : {}),
    ...(retries !== undefined ? { retry: { retries } } : {}),
  };
  let inspector: { inspect: NonNullable<LayerOptions['inspect']>; stop(): Promise<void> } | undefined;
  if (values['inspect'] !== undefined) {
    const { connectInspector } = await import('./inspector.js');
    inspector = await connectInspector(typeof values['inspect'] === 'string' && values['inspect'] !== '' ? values['inspect'] : undefined);
    options.inspect = inspector.inspect;
  }
  try {
    const { openLayer } = await import('./orchestrator.js');
    const layer = await openLayer(options);
    if (!values['quiet']) layer.subscribe((t) => io.stdout(formatTransition(t) + '\n'));
    const summary = await act(layer);
    const names = summary.failed;
    if (names.length > 0 && values['fail-on-error']) {
      io.stderr(`docker-resource: unable to fetch ${names.length === 1 ? 'resource' : 'resources'}: ${names.join(', ')}\n`);
      return 1;
    }
    return 0;
  } finally {
    await inspector?.stop();
  }
}

/** One line for a transition: `web: fetching → available`, with the reason of a failure. */
export function formatTransition(t: Transition): string {
  const why = t.to === 'failed' && t.event.reason ? ` (${t.event.kind}: ${t.event.reason})` : '';
  return `${t.resource}: ${t.from} → ${t.to}${why}`;
}

const MAIN_HELP = `docker-resource: Juju oci-image resources for any charm

Usage: docker-resource <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
  .join('\n')}

Run "docker-resource <command> --help" for a command's options;
"docker-resource --version" (or -V) prints the version.`;

/** Runs the command line; returns the exit code (0 ok, 1 failed, 2 usage). */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...given] = argv;
  const rest = given.map((a) => (a === '--inspect' ? '--inspect=' : a));
  if (name === '--version' || name === '-V') {
    io.stdout(`${pkg.version}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(MAIN_HELP + '\n');
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new UsageError(`unknown command "${name}"`);
    let parsed;
    try {
      parsed = parseArgs({ args: [...rest], options: command.options ?? {}, allowPositionals: true, strict: true });
    } catch (error) {
      throw new UsageError((error as Error).message.split('\n')[0]!.replace(/^Unknown option/, `unknown option for "${name}"`));
    }
    if (parsed.values['help']) {
      io.stdout(`Usage: ${command.usage}\n`);
      return 0;
    }
    return await command.run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`docker-resource: ${error.message}\nRun "docker-resource ${command ? `${name} ` : ''}--help" for usage.\n`);
      return 2;
    }
    if (error instanceof ResourceError || error instanceof DockerResourceError) {
      io.stderr(`docker-resource: ${error.message}\n`);
      return 1;
    }
    io.stderr(`docker-resource: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
