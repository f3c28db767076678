/** The `docker-resource` commands that run the layer in a hook: `hook` and `fetch NAME...`. */
import { COMMON, int, noPositionals, pathOptions, UsageError, warn, type CliIO, type Command, type Values } from './cli-options.js';
import type { DockerResourceLayer, HookSummary, LayerOptions, Transition } from './orchestrator.js';
import { line } from './text.js';

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

const HOOK_HELP = `
  --charm-dir DIR     the charm directory (default: $JUJU_CHARM_DIR, $CHARM_DIR, else .)
  --state-file FILE   where the state lives (default: DIR/.docker-resource/state.json)
  --no-status         do not set the unit status (as set-status: false in layer.yaml)
  --concurrency N     fetch at most N resources at once (default 16)
  --timeout MS        time limit of one fetch in ms (default 300000, at most 2147483647)
  --retries N         in-hook retries of a failing resource-get (default 1; 0 = off)
  --fail-on-error     exit 1 when a resource failed, so Juju retries the hook
  --inspect[=URL]     send every actor event (redacted) to the Stately inspector
  -q, --quiet         print no transitions`;

/** Which failures make the command exit 1: any (`hook --fail-on-error`), none, or only these resources' (`fetch`). */
type FailOn = 'any' | 'none' | readonly string[];

/** `hook` and `fetch`, by name. */
export const HOOK_COMMANDS: ReadonlyMap<string, Command> = new Map<string, Command>([
  [
    'hook',
    {
      summary: "run the layer's part of the current hook",
      usage: `docker-resource hook [options]

Auto-fetches (first hook), refetches on upgrade-charm, retries failed
resources, sets the status and saves the state. Exits 0 when a resource
failed (the status says so), unless --fail-on-error.
${HOOK_HELP}`,
      options: HOOK_OPTIONS,
      run: (values, positionals, io) => {
        noPositionals('hook', positionals);
        return runLayer(values, io, values['fail-on-error'] ? 'any' : 'none', (layer) => layer.runHook());
      },
    },
  ],
  [
    'fetch',
    {
      summary: 'request resources and fetch them now',
      usage: `docker-resource fetch NAME... [options]

Requests each resource (it stays requested) and fetches it now. Exits 1
if one of the named resources failed, naming it; others that are failed
are reported on stderr but do not fail the command.
${HOOK_HELP}`,
      options: HOOK_OPTIONS,
      run: (values, positionals, io) => {
        if (positionals.length === 0) throw new UsageError('fetch needs at least one resource name');
        return runLayer(values, io, positionals, (layer) => layer.fetchNow(positionals));
      },
    },
  ],
]);

/** `resource: a` or `resources: a, b`. */
const resources = (names: readonly string[]): string => `${names.length === 1 ? 'resource' : 'resources'}: ${names.join(', ')}`;

async function runLayer(values: Values, io: CliIO, failOn: FailOn, act: (layer: DockerResourceLayer) => Promise<HookSummary>): Promise<number> {
  const concurrency = int(values, 'concurrency', 1);
  const fetchTimeoutMs = int(values, 'timeout', 1);
  const retries = int(values, 'retries', 0);
  const options: LayerOptions = {
    ...pathOptions(values, io),
    onWarning: (m) => warn(io, m),
    ...(values['no-status'] ? { setStatus: false } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(fetchTimeoutMs !== undefined ? { fetchTimeoutMs } : {}),
    ...(retries !== undefined ? { retry: { retries } } : {}),
  };
  let inspector: { inspect: NonNullable<LayerOptions['inspect']>; stop(): Promise<void> } | undefined;
  if (values['inspect'] !== undefined) {
    const { connectInspector } = await import('./inspector.js');
    const url = typeof values['inspect'] === 'string' && values['inspect'] !== '' ? values['inspect'] : undefined;
    inspector = await connectInspector(url, { onWarning: (m) => warn(io, m) });
    options.inspect = inspector.inspect;
  }
  try {
    const { openLayer } = await import('./orchestrator.js');
    const layer = await openLayer(options);
    if (!values['quiet']) layer.subscribe((t) => io.stdout(line(formatTransition(t))));
    const { failed } = await act(layer);
    const fatal = failOn === 'any' ? failed : failOn === 'none' ? [] : failed.filter((name) => failOn.includes(name));
    const others = failed.filter((name) => !fatal.includes(name));
    if (others.length > 0 && failOn !== 'none') warn(io, `still unable to fetch ${resources(others)} (not named, so not a failure of this command)`);
    if (fatal.length === 0) return 0;
    io.stderr(line(`docker-resource: unable to fetch ${resources(fatal)}`));
    return 1;
  } finally {
    await inspector?.stop();
  }
}

/** One line for a transition: `web: fetching → available`, with the reason of a failure. */
export function formatTransition(t: Transition): string {
  const why = t.to === 'failed' && t.event.reason ? ` (${t.event.kind}: ${t.event.reason})` : '';
  return `${t.resource}: ${t.from} → ${t.to}${why}`;
}
