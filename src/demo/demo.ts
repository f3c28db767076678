/**
 * `docker-resource demo`: a charm's life on a simulated Juju, with no set-up.
 *
 * A temporary charm with two `oci-image` resources; a simulated controller behind the real
 * hook-tool adapter (the fake hook tools the package ships, spawned as Juju's would be); the
 * hooks install → update-status → (db attached) update-status → (new web image) upgrade-charm,
 * each run through the real `openLayer()`. Per hook it prints the transitions, the hook tools
 * called, the flags and the unit's status as `juju status` shows it; then the CLI's `history`.
 * It leaves what it wrote for you to explore and says how to remove it (`--clean` removes it).
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { statePaths } from '../state-paths.js';
import { DemoJuju } from './controller.js';
import { demoHook, type DemoContext } from './hook.js';
import { painter, type DemoOutput } from './output.js';
import { escapeControl as safe } from '../text.js';

const FETCH_SECONDS = 0.3;

/** What the demo needs from the command that runs it. */
export interface DemoOptions {
  out: DemoOutput;
  env: NodeJS.ProcessEnv;
  /** Remove what it wrote at the end. */
  clean: boolean;
  /** Runs the CLI in-process (`['history', 'web', …]`) and returns what it printed. */
  cli: (args: string[]) => Promise<string>;
  /** The path of the running CLI (`process.argv[1]`), to say how to run it again. */
  script: string | undefined;
}

/** How a user runs this CLI again: `npx docker-resource` where the package is installed, else `node <path>`. */
function commandOf(script: string | undefined, cwd = process.cwd()): string {
  if (!script || script.includes(`${sep}node_modules${sep}`)) return 'npx docker-resource';
  const path = relative(cwd, script);
  return `node ${path.startsWith('..') ? script : path}`;
}

/** Runs the demo; resolves with the exit code (0, or 1 when a step failed: it then says where it left what it wrote). */
export async function runDemo(options: DemoOptions): Promise<number> {
  const { out } = options;
  const paint = painter(options.out.colour);
  const line = (text = '') => out.write(text + '\n');
  const juju = new DemoJuju(options.env);
  const ctx: DemoContext = { juju, out, paint, flags: [] };
  let step = 0;
  const heading = (title: string, note: string) => (line(), line(`${paint.bold(`── ${++step}. ${title}`)}  ${paint.dim(note)}`));
  const hook = (name: string, note: string, after?: (info: Record<string, unknown>) => void) => (heading(`hook ${name}`, note), demoHook(ctx, name, after));
  const attach = (name: string, registryPath: string, note: string) => {
    heading(`$ juju attach-resource demo-charm ${name}=${name}-image.yaml`, note);
    juju.attach(name, registryPath, FETCH_SECONDS);
    line(`  ${name}-image.yaml  registrypath: ${registryPath}, username: demo, password: <redacted>`);
  };

  const started = Date.now();
  try {
    line(paint.bold('docker-resource demo: a charm’s life on a simulated Juju'));
    line(`  charm       demo-charm, with two oci-image resources (auto-fetch): web and db`);
    line(`  controller  simulated; the real hook-tool adapter spawns resource-get, status-set and juju-log`);
    line(`              ${paint.dim('(the fake hook tools the package ships)')}`);

    juju.attach('web', 'registry.example/demo/web:1.0', FETCH_SECONDS);
    await hook('install', 'web is attached; db is not attached yet');
    await hook('update-status', 'db is still missing: the layer retries it');
    attach('db', 'registry.example/demo/db:15', 'the controller now has db');
    await hook('update-status', 'the retry finds db');
    attach('web', 'registry.example/demo/web:1.1', 'a new web image is pushed');
    await hook('upgrade-charm', 'every requested resource is fetched again', (info) => {
      const shown = Object.entries(info).map(([k, v]) => `${k}: ${safe(String(v))}`);
      line(`  ${paint.bold('getInfo("web")')}  ${shown.join(', ')}`);
    });

    heading('$ docker-resource history web', 'transitions recorded across hooks');
    const history = await options.cli(['history', 'web', '--charm-dir', juju.charmDir]);
    for (const l of history.split('\n').filter(Boolean)) line(`  ${safe(l)}`);

    heading('$ docker-resource report --html', 'the whole life on one page: open it in a browser');
    const page = await options.cli(['report', '--html', '--charm-dir', juju.charmDir, '--out', join(juju.work, 'lifecycle-report.html')]);
    for (const l of page.split('\n').filter(Boolean)) line(`  ${safe(l)}`);
  } catch (error) {
    line();
    line(`${paint.red('The demo failed:')} ${error instanceof Error ? error.message : String(error)}`);
    if (options.clean) {
      rmSync(juju.work, { recursive: true, force: true });
      line(`It removed what it wrote (--clean).`);
    } else {
      line(`What it wrote is left in ${juju.work} to show how far it got (juju/calls holds the hook tool calls).`);
      line(`Remove it with: rm -rf ${juju.work}`);
    }
    return 1;
  }

  const { file: stateFile } = statePaths(juju.charmDir);
  const mode = existsSync(stateFile) ? (statSync(stateFile).mode & 0o777).toString(8).padStart(4, '0') : 'missing';
  line();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  line(paint.bold(`Done in ${seconds} s. What it wrote${options.clean ? ' (now removed: --clean)' : ' (left in place)'}:`));
  line(`  charm directory   ${juju.charmDir}`);
  line(`  state file        ${stateFile}  ${paint.dim(`(mode ${mode}: it holds the registry password)`)}`);
  line(`  simulated Juju    ${juju.jujuDir}  ${paint.dim('(resources, hook tool calls, the unit status)')}`);
  line(`  hook tools        ${juju.work}/bin  ${paint.dim('(the fakes, first on PATH in each hook)')}`);
  line(`  lifecycle page    ${join(juju.work, 'lifecycle-report.html')}  ${paint.dim('(one self-contained HTML file)')}`);
  if (options.clean) {
    rmSync(juju.work, { recursive: true, force: true });
  } else {
    line();
    line('It is left for you to explore with the CLI; remove it when done:');
    line(`  ${commandOf(options.script)} status --charm-dir ${juju.charmDir}`);
    line(`  ${commandOf(options.script)} info web --charm-dir ${juju.charmDir}`);
    line(`  rm -rf ${juju.work}`);
  }
  return 0;
}
