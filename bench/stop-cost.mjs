#!/usr/bin/env node
// What XState charges to stop a parent machine with N children (issue 15): the layer machine has one
// child per resource, and reaching its final state (`done`, `aborted`) stops them all in one step.
//
//   node bench/stop-cost.mjs                       # N = 10, 100, 300, 1000; 5 fresh processes each
//   node bench/stop-cost.mjs --n 1000,2000 --reps 3
//
// Each measurement is a fresh `node --expose-gc` process that loads XState (node_modules), starts a
// parent that spawns N children (a one-state machine, each with a system id, as the layer's resources
// have), collects garbage, then sends the one event that takes the parent to a state. Two parents:
// `final` (the state is final, so XState stops the N children) and `not final` (the same state
// without `type: 'final'`: nothing is stopped). Printed: the medians of that send's time, and of
// what the process's resident set and V8's heap grew by during it.
//
// Where it comes from (xstate 5.33): stopping each child copies the parent's `children` object and
// deletes the child from the copy, so stopping N children copies N + (N - 1) + … + 1 entries.
// `node bench/startup-profile.mjs --n 1000 --runs 2` shows the same function (`resolveStop`) in the
// hook's own profile.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median, printHelp, progress, progressDone, table } from './stats.mjs';

const { values: opts } = parseArgs({ options: { n: { type: 'string' }, reps: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
if (opts.help) printHelp(import.meta.url);
const sizes = (opts.n ?? '10,100,300,1000').split(',').map(Number);
const reps = Number(opts.reps ?? 5);
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(reps) || reps < 1) {
  console.error('--n takes positive whole numbers separated by commas, --reps a positive whole number');
  process.exit(2);
}

/** The program of one measurement: prints `ms rssBytes heapBytes` of the send that ends the parent. */
const program = `
const { setup, createActor, enqueueActions } = require('xstate');
const [n, final] = [Number(process.argv[1]), process.argv[2] === 'final'];
const child = setup({}).createMachine({ initial: 'idle', states: { idle: {} } });
const parent = setup({ actors: { child } }).createMachine({
  initial: 'running',
  entry: enqueueActions(({ enqueue }) => {
    for (let i = 0; i < n; i++) enqueue.spawnChild('child', { id: 'r' + i, systemId: 'r' + i });
  }),
  states: { running: { on: { end: 'done' } }, done: final ? { type: 'final' } : {} },
});
const actor = createActor(parent).start();
globalThis.gc();
const rss = process.memoryUsage().rss;
const heap = require('v8').getHeapStatistics().total_heap_size;
const t = process.hrtime.bigint();
actor.send({ type: 'end' });
const ms = Number(process.hrtime.bigint() - t) / 1e6;
if (actor.getSnapshot().status !== (final ? 'done' : 'active')) process.exit(1);
console.log(ms, process.memoryUsage().rss - rss, require('v8').getHeapStatistics().total_heap_size - heap);
`;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const kinds = ['final', 'not final'];
const results = new Map(); // `${n} ${kind}` → [{ ms, rss, heap }]
let step = 0;
for (let rep = 0; rep < reps; rep++) {
  for (const n of sizes) {
    for (const kind of kinds) {
      progress(`measurement ${++step} of ${reps * sizes.length * kinds.length}`);
      const r = spawnSync(process.execPath, ['--expose-gc', '-e', program, String(n), kind === 'final' ? 'final' : 'active'], { cwd: ROOT, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`measurement failed (N = ${n}, ${kind}): ${r.stderr}`);
      const [ms, rss, heap] = r.stdout.trim().split(' ').map(Number);
      const key = `${n} ${kind}`;
      results.set(key, [...(results.get(key) ?? []), { ms, rss, heap }]);
    }
  }
}
progressDone();

const mb = (bytes) => (bytes / 1048576).toFixed(1);
const rows = [];
for (const n of sizes) {
  for (const kind of kinds) {
    const runs = results.get(`${n} ${kind}`);
    rows.push([String(n), kind, median(runs.map((x) => x.ms)).toFixed(1), mb(median(runs.map((x) => x.rss))), mb(median(runs.map((x) => x.heap)))]);
  }
}
console.log(`The send that takes a parent with N children to its last state; medians of ${reps} fresh processes each.\n`);
console.log(table(['N children', 'last state', 'ms', 'RSS grew MB', 'V8 heap grew MB'], rows));
