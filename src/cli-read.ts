/** The read-only `docker-resource` commands: info, flags, status, history, graph. No lock, no hook tool. */
import { COMMON, noPositionals, readSnapshot, UsageError, type Command } from './cli-options.js';
import { jsonText, line } from './text.js';

const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

/** The read-only commands, by name. */
export const READ_COMMANDS: ReadonlyMap<string, Command> = new Map<string, Command>([
  [
    'info',
    {
      summary: "print a resource's image info (secrets redacted)",
      usage: `docker-resource info NAME [--json] [--show-secrets]

Prints the image info of an available resource. Credentials are shown as
<redacted> unless --show-secrets. Exits 1 when the resource is not available.
  --json            print JSON
  --show-secrets    print password, auth and tokens as they are`,
      options: { ...COMMON, json: { type: 'boolean' }, 'show-secrets': { type: 'boolean' } },
      run: async (values, positionals, io) => {
        if (positionals.length !== 1) throw new UsageError('info needs exactly one resource name');
        const info = (await readSnapshot(values, io)).getInfo(positionals[0]!);
        const data: Record<string, unknown> = values['show-secrets'] ? info.fields() : info.toJSON();
        if (values['json']) io.stdout(jsonText(data) + '\n');
        else io.stdout(Object.entries(data).map(([k, v]) => line(`${kebab(k)}: ${String(v)}`)).join(''));
        return 0;
      },
    },
  ],
  [
    'flags',
    {
      summary: 'print the flags, one a line, sorted (works outside a hook)',
      usage: `docker-resource flags

Prints the layer's flags (layer.docker-resource.*), derived from the saved
state. Needs no hook tools.`,
      options: COMMON,
      run: async (values, positionals, io) => {
        noPositionals('flags', positionals);
        const { flags } = await readSnapshot(values, io);
        io.stdout(flags.map(line).join(''));
        return 0;
      },
    },
  ],
  [
    'status',
    {
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
          const last = snapshot.history(name).at(-1);
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
          io.stdout(jsonText({ resources: rows, status: snapshot.state.status }) + '\n');
          return 0;
        }
        if (rows.length === 0) io.stdout(line('no oci-image resources in the charm metadata'));
        for (const r of rows) {
          const since = r.lastChange ? `  (since ${r.lastChange.at}${r.lastChange.hook ? `, ${r.lastChange.hook}` : ''})` : '';
          const why = r.reason ? `  ${r.kind}: ${r.reason}` : r.changed ? '  changed' : '';
          io.stdout(line(`${r.name}  ${r.state}${why}${since}`));
        }
        return 0;
      },
    },
  ],
  [
    'history',
    {
      summary: "print a resource's recorded transitions across hooks",
      usage: `docker-resource history NAME [--json]

Prints the last recorded transitions of a resource (oldest first), with time
and hook name. Older entries are dropped.
  --json    print JSON`,
      options: { ...COMMON, json: { type: 'boolean' } },
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
    },
  ],
  [
    'graph',
    {
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
  ],
]);
