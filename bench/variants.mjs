#!/usr/bin/env node
// Variants of the hook command against each other (issue 15): V8 flags, start-up caches available
// on Node 20, or any builds and options. Every variant runs the same hook case in rotation (variant
// after variant, rep after rep, after one warm-up rotation unless --warmup 0) through bench/stopwatch.mjs (wall, CPU
// of the whole tree, peak RSS), and is quoted as the median of its per-rotation ratios to the
// first variant.
//
//   node bench/variants.mjs --set flags       # V8 flags on the built bundle
//   node bench/variants.mjs --set startup     # the code cache and a start-up snapshot
//   node bench/variants.mjs --set flags --cases install-1000 --reps 5
//   node bench/variants.mjs --cases install-100 --delay 0.05 \
//     --variant 'main::/main/dist/bundle/docker-resource.js hook' \
//     --variant 'c=100::/main/dist/bundle/docker-resource.js hook --concurrency 100'
//
// Cases: install-N (from no state), upgrade-N, idle-N (update-status with nothing to do); --delay
// sets resource-get's latency in seconds (default 0).
//
// --set startup builds, into a temporary directory and from src/ with esbuild, a CommonJS bundle of
// the CLI (everything in one file; Node 20 has no module.enableCompileCache, and an ES module's code
// cannot be cached without --experimental-vm-modules), then compares (this is how the built CLI's
// loader was chosen; the built one has since split its large dependencies into files of their own):
//   built CLI              dist/bundle/docker-resource.js (or --cli)
//   cjs bundle             node cli.cjs
//   cjs + code cache       a 10-line loader compiling cli.cjs with vm.Script and the cachedData it
//                          saved on a first run (after the hook ran, so lazily compiled functions are in)
//   snapshot               node --snapshot-blob: a start-up snapshot (node --build-snapshot) holding the
//                          bundle with execa, js-yaml, XState and the orchestrator already evaluated
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { makeCharm } from './charm.mjs';
import { median, progress, progressDone, table } from './stats.mjs';
import { startStopwatch } from './stopwatch.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values: opts } = parseArgs({
  options: {
    set: { type: 'string' },
    cases: { type: 'string' },
    reps: { type: 'string' },
    warmup: { type: 'string' },
    delay: { type: 'string' },
    cli: { type: 'string' },
    json: { type: 'boolean' },
    variant: { type: 'string', multiple: true },
  },
});
const set = opts.variant ? 'given' : (opts.set ?? 'flags');
const cli = opts.cli === undefined ? `${ROOT}dist/bundle/docker-resource.js` : resolve(opts.cli);
const node = process.execPath;
const delay = Number(opts.delay ?? 0);
const reps = Number(opts.reps ?? 7);
const warmup = Number(opts.warmup ?? 1);

const IO = '{ env: process.env, stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }';
const LOADER = `'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { Script } = require('node:vm');
const Module = require('node:module');
const file = require('node:path').join(__dirname, 'cli.cjs');
let cachedData;
try { cachedData = readFileSync(file + '.cache'); } catch {}
const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
const m = { exports: {} };
script.runInThisContext()(m.exports, Module.createRequire(file), m, file, __dirname);
if (cachedData === undefined || script.cachedDataRejected) process.once('beforeExit', () => writeFileSync(file + '.cache', script.createCachedData()));
`;

/** Builds the CommonJS bundle, the code-cache loader and the snapshot; returns the variants. */
async function startupVariants(dir, watch) {
  const { build } = await import('esbuild');
  const common = { absWorkingDir: ROOT, bundle: true, format: 'cjs', platform: 'node', target: 'node20', minify: true, external: ['@statelyai/inspect'], logLevel: 'error' };
  const entry = (contents) => ({ contents, resolveDir: ROOT, loader: 'ts', sourcefile: 'entry.ts' });
  await build({ ...common, outfile: join(dir, 'cli.cjs'), stdin: entry(`import { main } from './src/cli.ts';\nmain(process.argv.slice(2), ${IO}).then((code) => { process.exitCode = code; });`) });
  writeFileSync(join(dir, 'loader.cjs'), LOADER);
  const variants = [
    { label: 'built CLI', argv: [node, cli, 'hook'] },
    { label: 'cjs bundle', argv: [node, join(dir, 'cli.cjs'), 'hook'] },
    { label: 'cjs + code cache', argv: [node, join(dir, 'loader.cjs'), 'hook'] },
  ];
  const snapshot = `import { main } from './src/cli.ts';
import { startupSnapshot } from 'node:v8';
import 'execa';
import 'js-yaml';
import 'xstate';
import './src/orchestrator.ts';
startupSnapshot.setDeserializeMainFunction(() => main(process.argv.slice(1), ${IO}).then((code) => { process.exitCode = code; }));`;
  try {
    await build({ ...common, outfile: join(dir, 'snap.cjs'), stdin: entry(snapshot) });
    const r = await watch.run([node, '--snapshot-blob', join(dir, 'snap.blob'), '--build-snapshot', join(dir, 'snap.cjs')], { env: process.env, cwd: dir });
    if (r.exitCode !== 0) throw new Error(r.stderr.split('\n').slice(0, 5).join(' '));
    variants.push({ label: 'snapshot', argv: [node, '--snapshot-blob', join(dir, 'snap.blob'), 'hook'] });
  } catch (error) {
    console.error(`snapshot not built: ${error.message}`);
  }
  return variants;
}

const FLAGS = ['', '--max-semi-space-size=1', '--max-semi-space-size=2', '--max-semi-space-size=4', '--max-semi-space-size=8', '--single-threaded', '--jitless'];
const flagVariants = () => FLAGS.map((flag) => ({ label: flag || '(none)', argv: [node, ...(flag ? [flag] : []), cli, 'hook'] }));

/** Parses `install-100`, `upgrade-100`, `idle-1000`. */
function parseCase(id) {
  const m = /^(install|upgrade|idle)-(\d+)$/.exec(id);
  if (!m) throw new Error(`bad case "${id}": install-N, upgrade-N or idle-N`);
  return { id, hook: { install: 'install', upgrade: 'upgrade-charm', idle: 'update-status' }[m[1]], n: Number(m[2]) };
}

/** The variants of --variant 'LABEL::ARG ARG…' (node's arguments, split on spaces). */
const givenVariants = () =>
  opts.variant.map((v) => {
    const [label, args] = v.includes('::') ? v.split('::') : [v, v];
    // Script paths are relative to where the bench starts (hooks run in the charm directory).
    return { label, argv: [node, ...args.trim().split(/\s+/).map((a) => (/^[^-].*\.[cm]?js$/.test(a) ? resolve(a) : a))] };
  });

const cases = (opts.cases ?? (set === 'startup' ? 'install-1,idle-1,idle-1000' : 'install-1,install-1000')).split(',').map(parseCase);
const dir = mkdtempSync(join(tmpdir(), 'docker-resource-startup-'));
const watch = startStopwatch();
const loadBefore = loadavg();
const results = [];
try {
  const variants = set === 'given' ? givenVariants() : set === 'flags' ? flagVariants() : await startupVariants(dir, watch);
  for (const c of cases) {
    const charm = makeCharm(c.n);
    try {
      const runOne = async (v) => {
        if (c.hook === 'install') charm.resetState();
        const r = await watch.run(v.argv, { env: charm.env(c.hook, delay), cwd: charm.charmDir });
        if (r.exitCode !== 0 || /→ failed/.test(r.stdout)) throw new Error(`${v.label}, ${c.id}: exit ${r.exitCode}\n${r.stderr}`);
        return r;
      };
      if (c.hook !== 'install') {
        charm.resetState();
        const r = await watch.run([node, cli, 'hook'], { env: charm.env('install', delay), cwd: charm.charmDir });
        if (r.exitCode !== 0) throw new Error(`setup install: exit ${r.exitCode}\n${r.stderr}`);
      }
      const runs = variants.map(() => []);
      for (let rep = 1 - warmup; rep <= reps; rep++) {
        for (const [i, v] of variants.entries()) {
          progress(`${c.id}: rep ${rep}/${reps}, ${v.label}`);
          const r = await runOne(v);
          if (rep > 0) runs[i].push(r); // rep 0 warms up (and primes the code cache)
        }
      }
      for (const [i, v] of variants.entries()) {
        const ratio = (key) => median(runs[i].map((r, k) => r[key] / runs[0][k][key]));
        results.push({
          case: c.id,
          variant: v.label,
          reps,
          wallMs: median(runs[i].map((r) => r.wallMs)),
          cpuMs: median(runs[i].map((r) => r.cpuMs)),
          rssMb: median(runs[i].map((r) => r.rssMb)),
          wallRatio: ratio('wallMs'),
          cpuRatio: ratio('cpuMs'),
          rssRatio: ratio('rssMb'),
        });
      }
      progressDone(`${c.id}: done`);
    } finally {
      charm.remove();
    }
  }
} finally {
  watch.close();
  rmSync(dir, { recursive: true, force: true });
}
const doc = { node: process.version, cli, set, delay, load: { before: loadBefore, after: loadavg() }, results };
if (opts.json) {
  console.log(JSON.stringify(doc, null, 2));
} else {
  const f = (x, d = 2) => x.toFixed(d);
  console.log(`${set}: node ${process.version}, load ${doc.load.before.map((x) => f(x)).join(' ')} before, ${doc.load.after.map((x) => f(x)).join(' ')} after; medians of ${reps} rotations; × = ratio to the first variant in the same rotation\n`);
  console.log(
    table(
      ['case', 'variant', 'wall ms', 'wall ×', 'CPU ms', 'CPU ×', 'RSS MB', 'RSS ×'],
      results.map((r) => [r.case, r.variant, f(r.wallMs, 0), f(r.wallRatio), f(r.cpuMs, 0), f(r.cpuRatio), f(r.rssMb, 1), f(r.rssRatio)]),
    ),
  );
}
