/**
 * The `report` and `replay` commands, ready for the CLI's command table: each reads the saved
 * state read-only (no lock, no hook tool), writes through the given io and returns an exit code.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DockerResourceError, UnknownResourceError } from '../errors/index.js';
import { DEFAULT_INSPECTOR_URL, shown } from '../inspector.js';
import { readLayerSnapshot } from '../layer-snapshot.js';
import { line } from '../text.js';
import { uniqueId } from '../unique-id.js';
import { encodeWire } from './inspect-wire.js';
import { readReportModel } from './read-model.js';
import { renderReportHtml } from './render-html.js';
import { buildReplay } from './replay-events.js';
import { layerHookActors } from './replay-layer.js';
import { resourceReplayActors } from './replay-resource.js';
import { sendReplay } from './replay-send.js';

/** Where a command reads and writes (the CLI's io). */
export interface CommandIO {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Where the layer state is (as the other read-only commands take it). */
export interface StateLocation {
  charmDir?: string;
  stateFile?: string;
}

/** The report's file name when `--out` is not given (in the current directory). */
export const DEFAULT_REPORT_FILE = 'docker-resource-report.html';

/** Options of {@link reportCommand}. */
export interface ReportCommandOptions extends StateLocation, CommandIO {
  /** The file to write (default {@link DEFAULT_REPORT_FILE} in `cwd`); `-` writes the page to stdout. */
  out?: string;
  /** The directory a relative `out` is resolved in (default: the current directory). */
  cwd?: string;
  /** The clock, for tests. */
  now?: () => Date;
}

const warnTo = (io: CommandIO) => (m: string) => io.stderr(line(`docker-resource: warning: ${m}`));

const location = (o: StateLocation & { env: NodeJS.ProcessEnv }) => ({
  env: o.env,
  ...(o.charmDir !== undefined ? { charmDir: o.charmDir } : {}),
  ...(o.stateFile !== undefined ? { stateFile: o.stateFile } : {}),
});

/**
 * `docker-resource report --html [--out FILE]`: writes the lifecycle page (one self-contained
 * HTML file, no credential in it) and prints its path; `--out -` prints the page instead.
 */
export async function reportCommand(options: ReportCommandOptions): Promise<number> {
  const model = await readReportModel({ ...location(options), ...(options.now ? { now: options.now } : {}) });
  for (const w of model.warnings) warnTo(options)(w);
  const html = renderReportHtml(model);
  if (options.out === '-') {
    options.stdout(html);
    return 0;
  }
  const file = resolve(options.cwd ?? process.cwd(), options.out ?? DEFAULT_REPORT_FILE);
  const temp = `${file}.${uniqueId()}.tmp`;
  try {
    await writeFile(temp, html, { mode: 0o644 });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw new DockerResourceError(`cannot write the report to ${file}: ${(error as Error).message}`, { cause: error });
  }
  options.stdout(`wrote the lifecycle report: ${file}\n`);
  return 0;
}

/** Options of {@link replayCommand}. */
export interface ReplayCommandOptions extends StateLocation, CommandIO {
  /** The resources to replay (default: all, in the charm's order). */
  names?: readonly string[];
  /** The inspector's WebSocket URL (default {@link DEFAULT_INSPECTOR_URL}). */
  url?: string;
  /** Print the events as JSON lines instead of sending them. */
  print?: boolean;
  /** A pause between events, in ms (default 0). */
  intervalMs?: number;
  /** How long to wait for the inspector, in ms (default 3000). */
  connectTimeoutMs?: number;
  /** The clock, for tests. */
  now?: () => Date;
}

/**
 * `docker-resource replay [NAME...] --inspect[=URL]`: sends the recorded life of the resources
 * to an inspector. Exits 1 when no inspector took the whole replay (the warning says why).
 */
export async function replayCommand(options: ReplayCommandOptions): Promise<number> {
  const snapshot = await readLayerSnapshot(location(options));
  const warn = warnTo(options);
  for (const w of snapshot.warnings) warn(w);
  const known = snapshot.resources.map((r) => r.name);
  for (const name of options.names ?? []) if (!known.includes(name)) throw new UnknownResourceError(name, known);
  const names = options.names && options.names.length > 0 ? options.names : undefined;
  const { actors, warnings } = resourceReplayActors(snapshot.state, snapshot.resources, {
    hookActor: layerHookActors(snapshot.state.hooks ?? []),
    ...(names ? { names } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  for (const w of warnings) warn(w);
  const events = buildReplay(actors, { sessionPrefix: `replay-${uniqueId()}` });
  if (options.print) {
    for (const e of events) options.stdout(encodeWire(e) + '\n');
    return 0;
  }
  const url = options.url ?? DEFAULT_INSPECTOR_URL;
  const result = await sendReplay(url, events, {
    onWarning: warn,
    ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
    ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
  });
  if (!result.connected || result.sent < events.length) return 1;
  const count = actors.filter((a) => a.key.startsWith('resource:')).length;
  options.stdout(`replayed ${count} ${count === 1 ? 'resource' : 'resources'} (${events.length} events) to ${shown(url)}\n`);
  return 0;
}
