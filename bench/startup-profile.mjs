#!/usr/bin/env node
// Where a hook's own CPU time goes (issue 15): runs the built CLI's hook under `node --cpu-prof`
// RUNS times and sums the profiles' self time per function and per source module, mapped back
// through the bundle's source maps (src/…, node_modules/<package>, or node: internals).
//
//   node bench/startup-profile.mjs                     # install, N = 1, 10 runs, from no state
//   node bench/startup-profile.mjs --hook update-status --n 1000 --runs 10
//   node bench/startup-profile.mjs --cli /other/dist/bundle/docker-resource.js --top 40
//
// The profiler starts after Node's own bootstrap (about what `node -e ''` costs) and adds some
// overhead of its own; figures are milliseconds per run (the mean over the runs). Frames of Node's
// own modules keep their node: URL; '(program)', '(garbage collector)' and unnamed native frames are V8's.
import { readdirSync, readFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { makeCharm } from './charm.mjs';
import { progress, progressDone, table } from './stats.mjs';
import { startStopwatch } from './stopwatch.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values: opts } = parseArgs({
  options: {
    hook: { type: 'string' },
    n: { type: 'string' },
    runs: { type: 'string' },
    top: { type: 'string' },
    interval: { type: 'string' },
    cli: { type: 'string' },
    json: { type: 'boolean' },
  },
});
const hook = opts.hook ?? 'install';
const n = Number(opts.n ?? 1);
const runs = Number(opts.runs ?? 10);
const cli = opts.cli === undefined ? `${ROOT}dist/bundle/docker-resource.js` : resolve(opts.cli);
/** The checkout the CLI was built in (paths are shown relative to it). */
const BUILD_ROOT = resolve(dirname(cli), '../..');

/** Maps a profile frame to its original source through the file's source map (cached per file). */
const maps = new Map();
function original(url, line, column) {
  if (!url.startsWith('file://')) return { module: url === '' ? '(V8: compiler, GC, native)' : url, source: url };
  const file = fileURLToPath(url);
  if (!maps.has(file)) {
    const mapFile = `${file}.map`;
    maps.set(file, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : null);
  }
  const map = maps.get(file);
  const entry = map?.findEntry(line, column);
  const source = entry?.originalSource ? resolve(dirname(file), entry.originalSource) : file;
  const rel = relative(BUILD_ROOT, source);
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(rel);
  return { module: pkg ? pkg[1] : rel, source: `${rel}:${(entry?.originalLine ?? line) + 1}` };
}

/** execa and the packages it brings. */
const EXECA = new Set(['execa', 'human-signals', 'signal-exit', 'cross-spawn', 'get-stream', 'is-stream', 'npm-run-path', 'strip-final-newline', 'figures', 'yoctocolors', 'unicorn-magic', '@sindresorhus/merge-streams', 'is-plain-obj', 'is-unicode-supported', 'path-key', 'isexe', 'which', 'shebang-command', 'shebang-regex', 'pretty-ms', 'parse-ms']);

/** A broad category of a module, for the summary. */
function category(module) {
  if (/(^|\/)(src|machines|bin)\/[^/]+\.ts$/.test(module)) return 'this project (src/, machines/)';
  if (EXECA.has(module)) return 'execa and its dependencies';
  if (module === 'xstate' || module === 'js-yaml') return module;
  if (module.startsWith('node:internal/modules/')) return "Node's module loader (node:internal/modules/*)";
  if (module.startsWith('node:')) return "Node's other internals (bootstrap, fs, child_process, events…)";
  if (module.startsWith('(V8')) return 'V8: compiler, GC, native';
  if (module.startsWith('dist/')) return 'bundle chunks, top level (no source map entry)';
  return `other: ${module}`;
}

const dir = mkdtempSync(join(tmpdir(), 'docker-resource-profile-'));
const charm = makeCharm(n);
const watch = startStopwatch();
const byFunction = new Map();
const byModule = new Map();
let profiledMs = 0;
let idleMs = 0;
let wallMs = 0;
try {
  if (hook !== 'install') await watch.run([process.execPath, cli, 'hook', '-q'], { env: charm.env('install', 0), cwd: charm.charmDir });
  for (let i = 0; i < runs; i++) {
    progress(`profile ${i + 1}/${runs}`);
    if (hook === 'install') charm.resetState();
    const out = join(dir, String(i));
    const argv = [process.execPath, '--cpu-prof', '--cpu-prof-dir', out, '--cpu-prof-interval', opts.interval ?? '100', cli, 'hook'];
    const r = await watch.run(argv, { env: charm.env(hook, 0), cwd: charm.charmDir });
    if (r.exitCode !== 0) throw new Error(`hook failed: ${r.stderr}`);
    wallMs += r.wallMs;
    for (const file of readdirSync(out)) {
      const profile = JSON.parse(readFileSync(join(out, file), 'utf8'));
      const self = new Map();
      profile.samples.forEach((id, k) => self.set(id, (self.get(id) ?? 0) + profile.timeDeltas[k] / 1000));
      profiledMs += (profile.endTime - profile.startTime) / 1000;
      for (const node of profile.nodes) {
        const ms = self.get(node.id) ?? 0;
        const { functionName, url, lineNumber, columnNumber } = node.callFrame;
        if (functionName === '(idle)') idleMs += ms;
        if (ms === 0 || functionName === '(idle)') continue;
        const where = original(url, lineNumber, columnNumber);
        const key = `${functionName || '(anonymous)'}\0${where.source}`;
        const fn = byFunction.get(key) ?? { name: functionName || '(anonymous)', source: where.source, module: where.module, ms: 0 };
        fn.ms += ms;
        byFunction.set(key, fn);
        byModule.set(where.module, (byModule.get(where.module) ?? 0) + ms);
      }
    }
  }
  progressDone();
} finally {
  watch.close();
  charm.remove();
  rmSync(dir, { recursive: true, force: true });
}

const top = Number(opts.top ?? 25);
const functions = [...byFunction.values()].sort((a, b) => b.ms - a.ms).slice(0, top).map((x) => ({ ...x, ms: x.ms / runs }));
const categories = new Map();
for (const [module, ms] of byModule) categories.set(category(module), (categories.get(category(module)) ?? 0) + ms / runs);
const summary = [...categories].sort((a, b) => b[1] - a[1]).map(([name, ms]) => ({ category: name, ms }));
const modules = [...byModule].sort((a, b) => b[1] - a[1]).slice(0, top).map(([module, ms]) => ({ module, ms: ms / runs }));
if (opts.json) {
  console.log(JSON.stringify({ cli, hook, n, runs, wallMs: wallMs / runs, profiledMs: profiledMs / runs, idleMs: idleMs / runs, summary, modules, functions }, null, 2));
} else {
  const f = (x) => x.toFixed(1);
  console.log(`${hook}, N = ${n}, ${runs} runs under --cpu-prof: ${f(wallMs / runs)} ms wall per run, ${f(profiledMs / runs)} ms profiled, of which ${f(idleMs / runs)} ms idle (waiting; left out below)\n`);
  console.log(table(['where', 'self ms'], summary.map((m) => [m.category, f(m.ms)])));
  console.log();
  console.log(table(['module', 'self ms'], modules.map((m) => [m.module, f(m.ms)])));
  console.log();
  console.log(table(['function', 'module', 'source', 'self ms'], functions.map((x) => [x.name, x.module, x.source, f(x.ms)])));
}
