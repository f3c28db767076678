#!/usr/bin/env node
// What the hook cycle machine costs in CPU (issue 15), apart from every hook tool, file and write: the
// built layer machine (dist/machines) run through one install of N resources, against N resource
// machines alone (the shape: each resource's own machine, no parent), in fresh processes.
//
//   node bench/layer-cost.mjs                               # N = 100, 15 runs of each, this checkout's dist/
//   node bench/layer-cost.mjs --n 1000 --runs 7
//   node bench/layer-cost.mjs --against /other/checkout     # that checkout's layer too, paired with this one's
//
// Each run is a fresh `node` process that loads XState (the checkout's own node_modules) and the built
// machines, then measures its own CPU time (user + sys) from just before the actors start to when they
// are done: the layer started with every resource auto-fetched, sent `run`, then `commit` once settled,
// until it completes (its N children stopped with it); or N resource machines, each sent `fetch`,
// until each is available. Every fetch resolves after a 1 ms timer with a fixed image, and the
// layer's effects (status-set, the state write, telling a transition) do nothing. The processes run
// in turn (layer, shape[, other layer]) and it prints the medians and the median of the per-run ratios.
// Run `npm run build` first: it measures what dist/ holds.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median, printHelp, progress, progressDone, quartiles, table } from './stats.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** One measurement, in the child process: prints the CPU milliseconds it took. */
const program = `
const { createRequire } = require('module');
const { join } = require('path');
const { pathToFileURL } = require('url');
const [root, kind, n] = [process.argv[1], process.argv[2], Number(process.argv[3])];
const { createActor, fromPromise } = createRequire(join(root, 'package.json'))('xstate');
const load = (file) => import(pathToFileURL(join(root, 'dist', 'machines', file)).href);
(async () => {
  const { layerMachine } = await load('layer.machine.js');
  const { resourceMachine } = await load('resource.machine.js');
  const { initialLayerContext } = await load('layer.context.js');
  const fetchImage = fromPromise(async ({ input }) => {
    await new Promise((r) => setTimeout(r, 1));
    return { image: { registryPath: 'registry.example/' + input.name, username: '', password: '' }, digest: 'sha256:' + input.name };
  });
  const resource = resourceMachine.provide({ actors: { fetchImage } });
  const names = Array.from({ length: n }, (_, i) => 'image-' + i);
  const start = process.cpuUsage();
  let told = 0;
  if (kind === 'layer') {
    const context = initialLayerContext({
      hook: 'install', resources: names.map((name) => ({ name, autoFetch: true })),
      state: { resources: {}, status: null, charmStatus: null, autoFetched: false },
      concurrency: n, setStatus: true, verify: false, clean: true, recovered: false,
    });
    const machine = layerMachine.provide({
      actors: { resource, setStatus: fromPromise(async ({ input }) => input), saveState: fromPromise(async () => true) },
      actions: { notifyTransition: (_, t) => { if (t) told++; } },
    });
    const actor = createActor(machine, { input: context });
    const done = new Promise((ok) => actor.subscribe({ complete: ok }));
    const settled = new Promise((ok) => actor.subscribe((s) => { if (s.value === 'settled') ok(); }));
    actor.start();
    actor.send({ type: 'run' });
    await settled;
    actor.send({ type: 'commit' });
    await done;
  } else {
    await Promise.all(names.map((name) => new Promise((ok) => {
      const actor = createActor(resource, { input: { name } });
      actor.subscribe((s) => { if (s.value === 'available') { told++; ok(); } });
      actor.start();
      actor.send({ type: 'fetch' });
    })));
  }
  const used = process.cpuUsage(start);
  const expected = kind === 'layer' ? 2 * n : n;
  if (told !== expected) throw new Error(kind + ': ' + told + ' transitions, not ' + expected);
  process.stdout.write(String((used.user + used.system) / 1000));
})().catch((error) => { console.error(error); process.exit(1); });
`;

const { values: opts } = parseArgs({ options: { n: { type: 'string' }, runs: { type: 'string' }, against: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
if (opts.help) printHelp(import.meta.url);
const n = Number(opts.n ?? 100);
const runs = Number(opts.runs ?? 15);
if (!Number.isInteger(n) || n < 1 || !Number.isInteger(runs) || runs < 1) {
  console.error('--n and --runs take positive whole numbers');
  process.exit(2);
}
const other = opts.against === undefined ? null : resolve(opts.against);
for (const root of [ROOT, other].filter(Boolean))
  if (!existsSync(join(root, 'dist', 'machines', 'layer.machine.js'))) {
    console.error(`${root}: no dist/machines/layer.machine.js (run npm run build there)`);
    process.exit(2);
  }

const kinds = [
  { id: 'layer', root: ROOT, kind: 'layer', label: 'the layer machine (this checkout)' },
  { id: 'shape', root: ROOT, kind: 'shape', label: `${n} resource machines alone` },
  ...(other ? [{ id: 'other', root: other, kind: 'layer', label: `the layer machine (${other})` }] : []),
];
const samples = new Map(kinds.map((k) => [k.id, []]));
for (let i = 0; i <= runs; i++) {
  progress(`layer cost N = ${n}: run ${i}/${runs}`);
  for (const k of kinds) {
    const r = spawnSync(process.execPath, ['-e', program, k.root, k.kind, String(n)], { cwd: k.root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${k.label} failed (exit ${r.status}): ${r.stderr}`);
    if (i > 0) samples.get(k.id).push(Number(r.stdout)); // run 0 warms the disk cache, not counted
  }
}
progressDone(`layer cost N = ${n}: ${runs} runs of each`);
const ms = (xs) => median(xs).toFixed(1);
const ratio = (a, b) => {
  const rs = samples.get(a).map((x, i) => x / samples.get(b)[i]);
  return `${median(rs).toFixed(2)} (${quartiles(rs)})`;
};
console.log(
  table(
    ['run', 'CPU ms (median)', '× the resource machines alone (q1–q3)', ...(other ? ['× the other layer'] : [])],
    kinds.map((k) => [k.label, ms(samples.get(k.id)), k.id === 'shape' ? '1' : ratio(k.id, 'shape'), ...(other ? [k.id === 'layer' ? ratio('layer', 'other') : k.id === 'other' ? '1' : ''] : [])]),
  ),
);
