/** The read-only `docker-resource` commands: info, flags, status, history, graph. No lock, no hook tool. */
import { COMMON, HELP, JSON_OPTION, noPositionals, readSnapshot, UsageError, type Command } from './cli-options.js';
import { ResourceNotAvailableError } from './errors/index.js';
import { jsonText, line } from './text.js';

/** `getInfo` says what to call in code; the command line says what to run. */
function infoOf(snapshot: Awaited<ReturnType<typeof readSnapshot>>, name: string) {
  try {
    return snapshot.getInfo(name);
  } catch (error) {
    if (!(error instanceof ResourceNotAvailableError)) throw error;
    const what = error.state === 'idle' ? 'was never requested' : 'is being fetched';
    throw new ResourceNotAvailableError(name, error.state, `resource "${name}" ${what}: run \`docker-resource fetch ${name}\` first`);
  }
}

const info: Command = {
  summary: "print a resource's image info (secrets redacted)",
  synopsis: 'NAME [options]',
  description: `Prints the image info of an available resource, one field a line, with the
field names ImageInfo and --json use. Credentials are shown as <redacted>
unless --show-secrets. Exits 1 when the resource is not available.`,
  options: { ...COMMON, ...JSON_OPTION, 'show-secrets': { type: 'boolean', help: 'print password, auth and tokens as they are' } },
  run: async (values, positionals, io) => {
    if (positionals.length !== 1) throw new UsageError('info needs exactly one resource name');
    const image = infoOf(await readSnapshot(values, io, false), positionals[0]!);
    const data: Record<string, unknown> = values['show-secrets'] ? image.fields() : image.toJSON();
    if (values['json']) io.stdout(jsonText(data) + '\n');
    else io.stdout(Object.entries(data).map(([k, v]) => line(`${k}: ${String(v)}`)).join(''));
    return 0;
  },
};

const flags: Command = {
  summary: 'print the flags, one a line, sorted (works outside a hook)',
  synopsis: '[options]',
  description: `Prints the layer's flags (layer.docker-resource.*), derived from the saved
state. Needs no hook tools.`,
  options: COMMON,
  run: async (values, positionals, io) => {
    noPositionals('flags', positionals);
    io.stdout((await readSnapshot(values, io, false)).flags.map(line).join(''));
    return 0;
  },
};

const status: Command = {
  summary: "print each resource's state, reason and last change",
  synopsis: '[options]',
  description: `Prints each oci-image resource: its state, the failure reason (or why the
registry could not confirm it), and its last change. Needs no hook tools.`,
  options: { ...COMMON, ...JSON_OPTION },
  run: async (values, positionals, io) => {
    noPositionals('status', positionals);
    const snapshot = await readSnapshot(values, io);
    const rows = snapshot.resources.map(({ name, state, context }) => {
      const last = snapshot.history(name).at(-1);
      return {
        name,
        state,
        requested: context.requested,
        changed: context.changed,
        attempts: context.attempts,
        ...(context.failure ? { kind: context.failure.kind, reason: context.failure.reason } : {}),
        ...(state === 'available' && typeof context.unverified === 'string' ? { unverified: context.unverified } : {}),
        ...(last ? { lastChange: { at: last.at, hook: last.hook, from: last.from, to: last.to } } : {}),
      };
    });
    if (values['json']) {
      io.stdout(jsonText({ resources: rows, status: snapshot.state.status, charmStatus: snapshot.state.charmStatus ?? null }) + '\n');
      return 0;
    }
    if (rows.length === 0) io.stdout(line('no oci-image resources in the charm metadata'));
    for (const r of rows) {
      const since = r.lastChange ? `  (since ${r.lastChange.at}${r.lastChange.hook ? `, ${r.lastChange.hook}` : ''})` : '';
      const why = r.reason ? `  ${r.kind}: ${r.reason}` : r.unverified ? `  unverified: ${r.unverified}` : r.changed ? '  changed' : '';
      io.stdout(line(`${r.name}  ${r.state}${why}${since}`));
    }
    return 0;
  },
};

const history: Command = {
  summary: "print a resource's recorded transitions across hooks",
  synopsis: 'NAME [options]',
  description: `Prints the last recorded transitions of a resource (oldest first), with time
and hook name. Older entries are dropped.`,
  options: { ...COMMON, ...JSON_OPTION },
  run: async (values, positionals, io) => {
    if (positionals.length !== 1) throw new UsageError('history needs exactly one resource name');
    const name = positionals[0]!;
    const entries = (await readSnapshot(values, io)).history(name);
    if (values['json']) io.stdout(jsonText(entries) + '\n');
    else if (entries.length === 0) io.stdout(line(`no transitions recorded for ${name}`));
    else
      for (const e of entries)
        io.stdout(line(`${e.at}  ${(e.hook ?? '-').padEnd(16)} ${e.from} → ${e.to}  (${e.event})${e.reason ? `  ${e.reason}` : ''}`));
    return 0;
  },
};

const graph: Command = {
  summary: 'print the resource lifecycle or the hook cycle as a state diagram',
  synopsis: '[options]',
  description: `Prints a machine as a Mermaid (default) or Graphviz diagram, read from its
definition: the resource lifecycle (default), or the hook cycle over the
resources (--machine layer).`,
  options: {
    machine: { type: 'string', arg: 'NAME', help: 'resource (default) or layer' },
    format: { type: 'string', arg: 'FORMAT', help: 'mermaid (default) or dot' },
    ...HELP,
  },
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
};

/** The read-only commands, by name. */
export const READ_COMMANDS: ReadonlyMap<string, Command> = new Map([
  ['info', info],
  ['flags', flags],
  ['status', status],
  ['history', history],
  ['graph', graph],
]);
