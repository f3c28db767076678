/**
 * `npm run demo`: a charm's life on a simulated Juju, with no set-up.
 *
 * A temporary charm with two `oci-image` resources; a simulated controller behind the real
 * hook-tool adapter (the POSIX sh fakes in `test/fixtures/bin`, spawned as Juju's tools would
 * be); the hooks install → update-status → (db attached) update-status → (new web image)
 * upgrade-charm, each run through the real `openLayer()` / `runHook()`. Per hook it prints
 * the transitions, the flags and the unit's status as `juju status` shows it.
 *
 * Options: `--clean` removes what it wrote at the end (by default it is left for you to explore).
 * Colour when stdout is a terminal and `NO_COLOR` is unset.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHookTools } from '../src/hook-tools.js';
import { openLayer, type Transition } from '../src/orchestrator.js';
import { statePaths } from '../src/state-file.js';
import { escapeControl as safe } from '../src/text.js';

// ---- output ------------------------------------------------------------------------------------

const tty = Boolean(process.stdout.isTTY);
const colour = tty && !process.env['NO_COLOR'];
const paint = (code: string) => (text: string) => (colour ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = paint('1');
const dim = paint('2');
const red = paint('31');
const green = paint('32');
const yellow = paint('33');
const cyan = paint('36');

// Maps: the keys come from outside (the state, the unit status file). Every outside text is printed through
// safe() (text.ts): control characters escaped, so none can forge a line or move the cursor.
const STATE_COLOUR: ReadonlyMap<string, (t: string) => string> = new Map([
  ['idle', dim],
  ['fetching', yellow],
  ['available', green],
  ['failed', red],
]);
const WORKLOAD_COLOUR: ReadonlyMap<string, (t: string) => string> = new Map([
  ['active', green],
  ['blocked', red],
  ['maintenance', yellow],
  ['waiting', cyan],
  ['unknown', dim],
]);
const state = (s: string) => (STATE_COLOUR.get(s) ?? String)(safe(s));

/** A live "fetching" line on a terminal (redrawn in place); nothing when stdout is not a terminal. */
class Progress {
  #timer: NodeJS.Timeout | undefined;
  #frame = 0;
  #since = 0;
  #names: string[] = [];
  #shown = false;

  /** Prints a line above the progress line, then shows the resources still being fetched. */
  print(line: string, fetching: string[]): void {
    this.#clear();
    process.stdout.write(line + '\n');
    this.#names = fetching;
    if (!tty) return;
    if (fetching.length === 0) return this.stop();
    if (!this.#timer) {
      this.#since = Date.now();
      this.#timer = setInterval(() => this.#draw(), 80);
    }
    this.#draw();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#clear();
  }

  #draw(): void {
    const frames = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
    const seconds = ((Date.now() - this.#since) / 1000).toFixed(1);
    process.stdout.write(`\r\x1b[K  ${yellow(frames[this.#frame++ % frames.length]!)} fetching ${this.#names.join(', ')}  ${dim(seconds + ' s')}`);
    this.#shown = true;
  }

  #clear(): void {
    if (this.#shown) process.stdout.write('\r\x1b[K');
    this.#shown = false;
  }
}

const out = (line = '') => process.stdout.write(line + '\n');

// ---- the simulated controller ------------------------------------------------------------------

/** The package root: the nearest directory above this file with our package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'docker-resource') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('the demo runs from the docker-resource repository (it uses test/fixtures/bin)');
    dir = up;
  }
}

const ROOT = packageRoot();
const FAKE_BIN = join(ROOT, 'test', 'fixtures', 'bin');
const CLI = join(ROOT, 'dist', 'bin', 'docker-resource.js');

/** A password that must never be printed (test/demo.test.ts checks it is not). */
const DEMO_PASSWORD = 'demo-S3CRET-never-printed';
const UNIT = 'demo-charm/0';
const FETCH_SECONDS = 0.3;

const work = mkdtempSync(join(tmpdir(), 'docker-resource-demo-'));
const charmDir = join(work, 'charm');
const jujuDir = join(work, 'juju');
mkdirSync(charmDir);
mkdirSync(join(jujuDir, 'resources'), { recursive: true });
writeFileSync(
  join(charmDir, 'metadata.yaml'),
  `name: demo-charm
summary: the docker-resource demo charm
resources:
  web:
    type: oci-image
    description: the web front end
    auto-fetch: true
  db:
    type: oci-image
    description: the database
    auto-fetch: true
`,
);

const env = { ...process.env, PATH: [FAKE_BIN, process.env['PATH']].filter(Boolean).join(delimiter), FAKE_JUJU_DIR: jujuDir };
const tools = createHookTools({ env });

/** `juju attach-resource`: the controller serves this image from now on (slowly, to show progress). */
function attach(name: string, registryPath: string): void {
  const file = join(jujuDir, 'resources', name);
  writeFileSync(file, `registrypath: ${registryPath}\nusername: demo\npassword: ${DEMO_PASSWORD}\n`);
  writeFileSync(`${file}.delay`, String(FETCH_SECONDS));
}

/** Every hook tool call the fakes recorded: `[tool, ...args]`. */
function calls(): string[][] {
  const file = join(jujuDir, 'calls');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\x1e')
    .slice(0, -1)
    .map((r) => r.split('\x1f'));
}

/** The unit's workload status as the fake `status-set` recorded it. */
function unitStatus(): { state: string; message: string } {
  const file = join(jujuDir, 'status');
  if (!existsSync(file)) return { state: 'unknown', message: '' };
  const text = readFileSync(file, 'utf8');
  const newline = text.indexOf('\n');
  return { state: text.slice(0, newline), message: text.slice(newline + 1, -1) };
}

// ---- one hook ----------------------------------------------------------------------------------

let step = 0;
let lastFlags: string[] = [];

function heading(title: string, note: string): void {
  out();
  out(`${bold(`── ${++step}. ${title}`)}  ${dim(note)}`);
}

function summariseCall(call: string[]): string {
  const [tool, ...args] = call;
  if (tool === 'status-set') return `status-set ${args[0]}`;
  if (tool === 'juju-log') return `juju-log ${args[1] ?? ''}`.trim();
  return safe([tool, ...args].join(' '));
}

async function hook(name: string, note: string, after?: (info: Record<string, unknown>) => void): Promise<void> {
  heading(`hook ${name}`, note);
  const before = calls().length;
  const progress = new Progress();
  const fetching = new Map<string, number>();
  let started = 0;
  let done = 0;
  const layer = await openLayer({
    charmDir,
    env,
    tools,
    hookName: name,
    retry: { retries: 0 },
    fetchTimeoutMs: 10_000,
    onWarning: (m) => progress.print(`  ${yellow('warning')} ${safe(m)}`, [...fetching.keys()]),
  });
  const width = Math.max(...layer.resources.map((r) => r.length));
  layer.subscribe((t: Transition) => {
    const who = `  ${t.resource.padEnd(width)}  ${state(t.from)} → ${state(t.to)}`;
    if (t.to === 'fetching') {
      started++;
      fetching.set(t.resource, Date.now());
      progress.print(who, [...fetching.keys()]);
    } else {
      const took = fetching.has(t.resource) ? ((Date.now() - fetching.get(t.resource)!) / 1000).toFixed(1) : undefined;
      fetching.delete(t.resource);
      done++;
      const counter = dim(`[${done}/${started}]`);
      const detail =
        t.to === 'failed'
          ? red(safe(`${t.event.kind}: ${t.event.reason}`))
          : `${t.event.digest ? dim(safe(t.event.digest.slice(0, 19)) + '…') : ''}`;
      progress.print(`${who}  ${counter} ${detail}${took ? dim(`  (${took} s)`) : ''}`, [...fetching.keys()]);
    }
  });
  let summary;
  try {
    await layer.run();
    if (after && layer.isSet('layer.docker-resource.web.available')) after(layer.getInfo('web').toJSON() as Record<string, unknown>);
    summary = await layer.commit();
  } finally {
    progress.stop();
  }
  if (summary.transitions.length === 0) out(`  ${dim('no transition: nothing to fetch or retry')}`);

  const made = calls().slice(before);
  out(`  ${bold('hook tools')}  ${made.length === 0 ? dim('none called') : made.map(summariseCall).join(dim(' · '))}`);

  const added = summary.flags.filter((f) => !lastFlags.includes(f));
  const removed = lastFlags.filter((f) => !summary.flags.includes(f));
  out(`  ${bold('flags')}`);
  for (const f of summary.flags) out(`    ${added.includes(f) ? green('+') : ' '} ${f}`);
  for (const f of removed) out(`    ${red('-')} ${dim(f)}`);
  lastFlags = summary.flags;

  const s = unitStatus();
  out(`  ${bold('juju status')}`);
  out(`    ${'Unit'.padEnd(14)}${'Workload'.padEnd(13)}Message`);
  out(`    ${UNIT.padEnd(14)}${(WORKLOAD_COLOUR.get(s.state) ?? String)(safe(s.state).padEnd(13))}${safe(s.message)}`);
}

/** A step on the controller between hooks: `juju attach-resource`, which Juju would follow with a hook. */
function controller(name: string, registryPath: string, note: string): void {
  heading(`$ juju attach-resource demo-charm ${name}=${name}-image.yaml`, note);
  attach(name, registryPath);
  out(`  ${name}-image.yaml  registrypath: ${registryPath}, username: demo, password: <redacted>`);
}

// ---- the charm's life --------------------------------------------------------------------------

const started = Date.now();
out(bold('docker-resource demo: a charm’s life on a simulated Juju'));
out(`  charm       demo-charm, with two oci-image resources (auto-fetch): web and db`);
out(`  controller  simulated; the real hook-tool adapter spawns resource-get, status-set and juju-log`);
out(`              ${dim(`(the fakes in ${relative(process.cwd(), FAKE_BIN) || FAKE_BIN})`)}`);

attach('web', 'registry.example/demo/web:1.0');
await hook('install', 'web is attached; db is not attached yet');
await hook('update-status', 'db is still missing: the layer retries it');

controller('db', 'registry.example/demo/db:15', 'the controller now has db');
await hook('update-status', 'the retry finds db');

controller('web', 'registry.example/demo/web:1.1', 'a new web image is pushed');
await hook('upgrade-charm', 'every requested resource is fetched again', (info) => {
  const shown = Object.entries(info)
    .map(([k, v]) => `${k}: ${safe(String(v))}`)
    .join(', ');
  out(`  ${bold('getInfo("web")')}  ${shown}`);
});

heading('$ docker-resource history web', 'transitions recorded across hooks');
const history = await new Promise<string>((resolve) =>
  execFile(process.execPath, [CLI, 'history', 'web', '--charm-dir', charmDir], { env }, (error, stdout, stderr) =>
    resolve(error ? `  (could not run the CLI: ${stderr.trim() || error.message})\n` : stdout),
  ),
);
process.stdout.write(
  history
    .split('\n')
    .filter(Boolean)
    .map((l) => `  ${safe(l)}\n`)
    .join(''),
);

// ---- what it wrote -----------------------------------------------------------------------------

const { file: stateFile } = statePaths(charmDir);
const mode = existsSync(stateFile) ? (statSync(stateFile).mode & 0o777).toString(8).padStart(4, '0') : 'missing';
const clean = process.argv.includes('--clean');
out();
out(bold(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s. What it wrote${clean ? ' (now removed: --clean)' : ' (left in place)'}:`));
out(`  charm directory   ${charmDir}`);
out(`  state file        ${stateFile}  ${dim(`(mode ${mode}: it holds the registry password)`)}`);
out(`  simulated Juju    ${jujuDir}  ${dim('(resources, hook tool calls, the unit status)')}`);
if (clean) {
  rmSync(work, { recursive: true, force: true });
} else {
  out();
  out('Explore it with the CLI, then remove it:');
  out(`  node dist/bundle/docker-resource.js status --charm-dir ${charmDir}`);
  out(`  node dist/bundle/docker-resource.js info web --charm-dir ${charmDir}`);
  out(`  rm -rf ${work}`);
}
