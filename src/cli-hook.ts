/** The `docker-resource` commands that run the layer in a hook: `hook`, `fetch NAME...` and `status-set`. */
import { COMMON, int, noPositionals, pathOptions, UsageError, warn, type CliIO, type Command, type OptionSpec, type Values } from './cli-options.js';
import { DockerResourceError } from './errors/index.js';
import { hookToolsOnPath, NOT_IN_HOOK } from './in-hook.js';
import type { DockerResourceLayer, HookSummary, LayerOptions, Transition } from './orchestrator.js';
import { isStatusState, STATUS_STATES } from './status.js';
import { line } from './text.js';

/** The options of every command that runs the layer. */
const LAYER_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  ...COMMON,
  'no-status': { type: 'boolean', help: 'do not set the unit status (as set-status: false in layer.yaml)' },
};

/** The options of the commands that fetch. */
const FETCH_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  ...LAYER_OPTIONS,
  concurrency: { type: 'string', arg: 'N', help: 'fetch at most N resources at once (default 64)' },
  timeout: { type: 'string', arg: 'MS', help: 'time limit of one fetch in ms (default 300000, at most 2147483647)' },
  retries: { type: 'string', arg: 'N', help: 'in-hook retries of a failing resource-get (default 1; 0 = off)' },
  verify: { type: 'boolean', help: "also ask each image's registry whether it can be pulled (as verify: true)" },
  inspect: { type: 'string', arg: '[=URL]', help: 'send every actor event (redacted) to the Stately inspector (default ws://localhost:8080)' },
  quiet: { type: 'boolean', short: 'q', help: 'print no transitions' },
};

/** Which failures make the command exit 1: any (`hook --fail-on-error`), none, or only these resources' (`fetch`). */
type FailOn = 'any' | 'none' | readonly string[];

const hook: Command = {
  summary: "run the layer's part of the current hook",
  synopsis: '[options]',
  description: `Auto-fetches (first hook), refetches on upgrade-charm, retries failed
resources, sets the status and saves the state. Exits 0 when a resource
failed (the status says so), unless --fail-on-error.`,
  options: { ...FETCH_OPTIONS, 'fail-on-error': { type: 'boolean', help: 'exit 1 when a resource failed, so Juju retries the hook' } },
  run: (values, positionals, io) => {
    noPositionals('hook', positionals);
    return runLayer(values, io, values['fail-on-error'] ? 'any' : 'none', (layer) => layer.runHook());
  },
};

const fetch: Command = {
  summary: 'request resources and fetch them now',
  synopsis: 'NAME... [options]',
  description: `Requests each resource (it stays requested) and fetches it now. Exits 1
if one of the named resources failed, naming it; others that are failed
are reported on stderr but do not fail the command.`,
  options: FETCH_OPTIONS,
  run: (values, positionals, io) => {
    if (positionals.length === 0) throw new UsageError('fetch needs at least one resource name');
    return runLayer(values, io, positionals, (layer) => layer.fetchNow(positionals));
  },
};

const statusSet: Command = {
  summary: "set the charm's own status, combined with the layer's by priority",
  synopsis: `STATE [--] MESSAGE... | --clear [options]`,
  description: `Records the charm's status (${STATUS_STATES.join(', ')}) in the state and sets the
unit status to the higher of it and the layer's own (blocked > maintenance >
waiting > active): a charm that sets "active ready" while an image is failed
still shows blocked. The layer never clears a status the charm set this way.`,
  options: { ...LAYER_OPTIONS, clear: { type: 'boolean', help: "withdraw the charm's status (the layer's alone counts again)" } },
  run: (values, positionals, io) => {
    const [state, ...words] = positionals;
    if (values['clear']) {
      if (positionals.length > 0) throw new UsageError('status-set --clear takes no state or message');
    } else if (!isStatusState(state)) {
      throw new UsageError(`status-set needs a state: ${STATUS_STATES.join(', ')}${state === undefined ? '' : `, not "${state}"`}`);
    }
    const status = isStatusState(state) && !values['clear'] ? { state, message: words.join(' ') } : null;
    return runLayer({ ...values, quiet: true }, io, 'none', (layer) => (layer.setCharmStatus(status), layer.commit()));
  },
};

/** `hook`, `fetch` and `status-set`, by name. */
export const HOOK_COMMANDS: ReadonlyMap<string, Command> = new Map([
  ['hook', hook],
  ['fetch', fetch],
  ['status-set', statusSet],
]);

/** `resource: a` or `resources: a, b`. */
const resources = (names: readonly string[]): string => `${names.length === 1 ? 'resource' : 'resources'}: ${names.join(', ')}`;

async function runLayer(values: Values, io: CliIO, failOn: FailOn, act: (layer: DockerResourceLayer) => Promise<HookSummary>): Promise<number> {
  // Outside a hook, say so first and change nothing (no state directory, no lock, no fetch).
  if (!(await hookToolsOnPath(io.env))) throw new DockerResourceError(NOT_IN_HOOK);
  const concurrency = int(values, 'concurrency', 1);
  const fetchTimeoutMs = int(values, 'timeout', 1);
  const retries = int(values, 'retries', 0);
  const options: LayerOptions = {
    ...pathOptions(values, io),
    onWarning: (m) => warn(io, m),
    ...(values['no-status'] ? { setStatus: false } : {}),
    ...(values['verify'] ? { verify: true } : {}),
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

/** One line for a transition: `web: fetching → available`, with the reason of a failure or of an unconfirmed image. */
export function formatTransition(t: Transition): string {
  const why =
    t.to === 'failed' ? ` (${t.event.kind}: ${t.event.reason})` : t.to === 'available' && t.event.type === 'unverified' ? ` (unverified: ${t.event.reason})` : '';
  return `${t.resource}: ${t.from} → ${t.to}${why}`;
}
