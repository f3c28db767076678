#!/usr/bin/env node
// The hook benchmark (issue 15): every hook case against its floor, measured in the same run.
//
//   npm run bench                          # builds, then every case, 11 pairs each (3 for install N=1000), ≈ 6.5 min
//   npm run bench -- --quick               # the cases with a target, 5 pairs (1 for install N=1000), no warm-up, ≈ 80 s
//   npm run bench -- --calibrate           # first find the floor's best calls in flight per case
//   npm run bench -- --cases install-100,idle-1000 --pairs 21
//   npm run bench -- --cli /other/checkout/dist/bundle/docker-resource.js   # another build
//   npm run bench -- --concurrency 100     # the hook's --concurrency (default: the CLI's own)
//   npm run bench -- --node-args=--max-semi-space-size=1   # node options for the hook (as in a shebang)
//   npm run bench -- --json                # JSON on stdout instead of the table
//   npm run bench -- --out before.json     # the table, and the JSON into a file (bench/compare.mjs)
//
// The floor of an install or upgrade-charm hook is bench/floor.mjs: status-set, N × resource-get
// with the best number of calls in flight (measured per case, see CASES; --calibrate measures it
// again, --floor-concurrency K forces K), status-set, through node:child_process and nothing else.
// Between the two in every pair runs the package floor, bench/floor-packages.cjs: the same calls
// through execa with the hook's options, after loading execa, XState and js-yaml as the bin does. What
// the packages cost is the package floor over the floor. After it runs the shape floor (the same file
// with --machines): each call made through an XState machine of its own, idle → fetching → available,
// its fetch an invoked promise actor, as the shape the project was given requires. What that shape
// costs is the shape floor over the package floor; what the hook's own code costs is the hook over the
// shape floor (a second table, and the reason printed beside each missed target).
// The floor of the idle hook (update-status, nothing to fetch) is bare `node -e ''`.
// Both run against the same cheap fakes (bench/fakes: one shell process each, builtins only, plus
// `sleep` for the resource-get delay) with the same environment, as Juju runs a hook: cwd and
// JUJU_CHARM_DIR the charm, JUJU_DISPATCH_PATH hooks/<name>, the tools first on PATH.
//
// Each case runs as pairs, floor then hook (A B A B …), after one warm-up pair that is not counted;
// it reports the medians of the per-pair ratios hook / floor (and their quartiles), in wall time and
// in CPU time. Every run goes through bench/stopwatch.mjs, which collects the process with wait4(2):
// CPU = user + sys of the hook's node process and of every hook tool it spawned; peak RSS = the
// largest of that tree, i.e. the hook's node process. Tools spawned come from the fakes' call log.
// The bench asserts nothing; it prints each target of the issue, met or MISSED by the median ratio, with
// an interval for that median from the ratios' order statistics (e.g. the 2nd to 10th of 11 pairs, 98 %)
// and whether the interval lies all within the target, all over it, or across it.
import { cpus, loadavg } from 'node:os';
import { statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { makeCharm } from './charm.mjs';
import { startStopwatch } from './stopwatch.mjs';
import { median, medianInterval, printHelp, progress, progressDone, quartiles, table } from './stats.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FLOOR = fileURLToPath(new URL('floor.mjs', import.meta.url));
const PACKAGES_FLOOR = fileURLToPath(new URL('floor-packages.cjs', import.meta.url));

/**
 * The cases of issue 15; `base` is the floor each is paired with; `targets` are the issue's;
 * `floorConcurrency` is the floor's number of calls in flight, from --calibrate on the 2-core machine
 * of docs/PERFORMANCE.md: at N=100 and 50 ms, 16 to 100 in flight were within 2 % of each other; at
 * N=1000 and 0 ms, 8, 16 and 1000 within 1 % (the floor is CPU-bound: its one process forks them all).
 */
const CASES = [
  { id: 'install-1', hook: 'install', n: 1, delay: 0, base: 'floor', floorConcurrency: 1, targets: { wall: 1.3 } },
  { id: 'install-10', hook: 'install', n: 10, delay: 0.05, base: 'floor', floorConcurrency: 10, targets: {} },
  { id: 'install-100', hook: 'install', n: 100, delay: 0.05, base: 'floor', floorConcurrency: 100, targets: { wall: 1.2, cpu: 1.3 } },
  { id: 'upgrade-100', hook: 'upgrade-charm', n: 100, delay: 0.05, base: 'floor', floorConcurrency: 100, targets: {} },
  { id: 'idle-1', hook: 'update-status', n: 1, delay: 0, base: 'node', targets: {} },
  { id: 'idle-100', hook: 'update-status', n: 100, delay: 0, base: 'node', targets: { wall: 1.3 } },
  { id: 'install-1000', hook: 'install', n: 1000, delay: 0, base: 'floor', floorConcurrency: 16, targets: { rssMb: 90 } },
  { id: 'idle-1000', hook: 'update-status', n: 1000, delay: 0, base: 'node', targets: { wall: 1.3 } },
];
const CALIBRATION = [4, 8, 16, 32, 64, 100, 1000];

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    pairs: { type: 'string' },
    cases: { type: 'string' },
    cli: { type: 'string' },
    concurrency: { type: 'string' },
    'node-args': { type: 'string' },
    'floor-concurrency': { type: 'string' },
    calibrate: { type: 'boolean' },
    json: { type: 'boolean' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (opts.help) printHelp(import.meta.url);
const wanted = opts.cases?.split(',');
const unknown = wanted?.filter((id) => !CASES.some((c) => c.id === id)) ?? [];
if (unknown.length > 0) {
  console.error(`bench: unknown case ${unknown.join(', ')}; the cases are ${CASES.map((c) => c.id).join(', ')}`);
  process.exit(2);
}
// --quick: the cases that have a target, fewer pairs, no warm-up pair.
const cases = CASES.filter((c) => (wanted === undefined ? !opts.quick || Object.keys(c.targets).length > 0 : wanted.includes(c.id)));
const warmUp = opts.quick ? 0 : 1;
/** Pairs per case: fewer for the long ones (install and upgrade at N=1000). */
const pairsFor = (c) => {
  const long = c.n >= 1000 && c.hook !== 'update-status';
  return Number(opts.pairs ?? (opts.quick ? (long ? 1 : 5) : long ? 3 : 11));
};
const cli = opts.cli === undefined ? `${ROOT}dist/bundle/docker-resource.js` : resolve(opts.cli);
const nodeArgs = opts['node-args']?.split(' ').filter(Boolean) ?? [];
const hookArgs = ['hook', ...(opts.concurrency ? ['--concurrency', opts.concurrency] : [])];
try {
  statSync(cli);
} catch {
  console.error(`bench: ${cli} not found; run "npm run build" first`);
  process.exit(2);
}

const watch = startStopwatch();
const started = performance.now();
const loadBefore = loadavg();

/** Runs one command in the charm's environment; throws when it fails. */
async function run(charm, argv, hook, delay, what) {
  charm.resetCalls();
  const r = await watch.run(argv, { env: charm.env(hook, delay), cwd: charm.charmDir });
  if (r.exitCode !== 0 || /→ failed/.test(r.stdout)) {
    const failed = r.stdout.split('\n').find((l) => l.includes('→ failed')) ?? '';
    throw new Error(`${what} failed (exit ${r.exitCode}, signal ${r.signal}): ${failed}\n${r.stderr}`);
  }
  return { ...r, tools: charm.calls() };
}

/** Times the floor of a case at each concurrency of CALIBRATION up to N (3 rotations); returns the fastest. */
async function calibrate(charm, c) {
  if (c.base !== 'floor') return undefined;
  const candidates = CALIBRATION.filter((k) => k < c.n).concat(c.n);
  const times = new Map(candidates.map((k) => [k, []]));
  for (let rep = 0; rep < 3; rep++) {
    for (const k of candidates) {
      progress(`${c.id}: calibrating the floor, ${k} in flight`);
      times.get(k).push((await run(charm, [process.execPath, FLOOR, String(c.n), String(k)], c.hook, c.delay, 'floor')).wallMs);
    }
  }
  const best = candidates.reduce((a, b) => (median(times.get(b)) < median(times.get(a)) ? b : a));
  progressDone(`${c.id}: floor wall ms by calls in flight: ${candidates.map((k) => `${k}: ${median(times.get(k)).toFixed(0)}`).join(', ')}; best ${best}`);
  return best;
}

/** The pairs of one case: baseline then hook, `pairs` times after a warm-up pair. */
async function measure(charm, c) {
  const floorConcurrency = Number(opts['floor-concurrency'] ?? (opts.calibrate ? await calibrate(charm, c) : c.floorConcurrency));
  const floorArgv = c.base === 'node' ? [process.execPath, '-e', ''] : [process.execPath, FLOOR, String(c.n), String(floorConcurrency)];
  const hookArgv = [process.execPath, ...nodeArgs, cli, ...hookArgs];
  // The package and shape floors run between the two, in every pair of a case with a floor (bench/floor-packages.cjs).
  const packagesArgv = c.base === 'floor' ? [process.execPath, ...nodeArgs, PACKAGES_FLOOR, String(c.n), String(floorConcurrency), dirname(cli)] : null;
  const shapeArgv = packagesArgv && [...packagesArgv, '--machines'];
  const pairs = pairsFor(c);
  const samples = { base: [], hook: [], packages: [], shape: [] };
  // Every hook but install starts from the state one install left (an idle hook does not change it).
  if (c.hook !== 'install' && !charm.justInstalled) {
    charm.resetState();
    await run(charm, hookArgv, 'install', c.delay, 'setup install');
  }
  let stateWrites = 0;
  for (let i = 1 - warmUp; i <= pairs; i++) {
    progress(`${c.id}: pair ${i}/${pairs}`);
    const base = await run(charm, floorArgv, c.hook, c.delay, c.base === 'node' ? "node -e ''" : 'floor');
    const packages = packagesArgv && (await run(charm, packagesArgv, c.hook, c.delay, 'package floor'));
    const shape = shapeArgv && (await run(charm, shapeArgv, c.hook, c.delay, 'shape floor'));
    if (c.hook === 'install') charm.resetState();
    const before = charm.stateId();
    const hook = await run(charm, hookArgv, c.hook, c.delay, `${c.hook} hook`);
    if (charm.stateId() !== before) stateWrites++;
    if (i === 0) continue; // warm-up
    samples.base.push(base);
    samples.hook.push(hook);
    if (packages) samples.packages.push(packages);
    if (shape) samples.shape.push(shape);
  }
  charm.justInstalled = c.hook === 'install' || (charm.justInstalled && stateWrites === 0);
  const of = (runs, key) => runs.map((r) => r[key]);
  const ratios = (key, a = samples.hook, b = samples.base) => a.map((x, i) => x[key] / b[i][key]);
  const side = (runs) => ({
    wallMs: of(runs, 'wallMs'),
    cpuMs: of(runs, 'cpuMs'),
    rssMb: of(runs, 'rssMb'),
    tools: [...new Set(of(runs, 'tools'))],
  });
  const warnings = [...new Set(samples.hook.map((r) => r.stderr.trim()).filter(Boolean))];
  const wall = median(ratios('wallMs')).toFixed(2);
  progressDone(`${c.id}: ${pairs} pairs, wall ${wall} ×, CPU ${median(ratios('cpuMs')).toFixed(2)} × ${c.base === 'node' ? "node -e ''" : 'floor'}`);
  return { ...c, floorConcurrency: c.base === 'node' ? undefined : floorConcurrency, delayMs: c.delay * 1000, pairs, baseline: side(samples.base), measured: side(samples.hook), ratio: { wall: ratios('wallMs'), cpu: ratios('cpuMs') }, ...(packagesArgv ? { packages: { ...side(samples.packages), overFloor: { wall: ratios('wallMs', samples.packages), cpu: ratios('cpuMs', samples.packages) }, hookOver: { wall: ratios('wallMs', samples.hook, samples.packages), cpu: ratios('cpuMs', samples.hook, samples.packages) } }, shape: { ...side(samples.shape), overFloor: { wall: ratios('wallMs', samples.shape), cpu: ratios('cpuMs', samples.shape) }, hookOver: { wall: ratios('wallMs', samples.hook, samples.shape), cpu: ratios('cpuMs', samples.hook, samples.shape) } } } : {}), stateBytes: charm.stateBytes(), stateWrites, warnings };
}

const results = [];
try {
  for (const n of [...new Set(cases.map((c) => c.n))]) {
    const charm = makeCharm(n);
    try {
      for (const c of cases.filter((x) => x.n === n)) results.push(await measure(charm, c));
    } finally {
      charm.remove();
    }
  }
} finally {
  watch.close();
}
const loadAfter = loadavg();

// The issue's targets, checked against this run's figures.
const checks = [];
const check = (ok, text) => checks.push({ ok, text });
const f = (x, d = 2) => x.toFixed(d);
/** A ratio as a check shows it: four digits when two would round a miss onto its target. */
const shown = (x, target) => (x > target && f(x) === f(target) ? f(x, 4) : f(x));
for (const r of results) {
  const base = r.base === 'node' ? "node -e ''" : 'floor';
  const what = `${r.hook} N=${r.n}${r.delayMs ? `, ${r.delayMs} ms per resource-get` : ''}`;
  // Where a time target is missed: what the packages alone, and the given shape, cost against the same floor,
  // which of them is already over the target, and the hook against the shape floor.
  const under = (key) => {
    if (!r.packages) return '';
    const [packages, shape] = [median(r.packages.overFloor[key]), median(r.shape.overFloor[key])];
    const over = packages > r.targets[key] ? ' (the package floor alone is over the target)' : shape > r.targets[key] ? ' (the shape floor alone is over the target)' : '';
    return `; the package floor is ${f(packages)} × floor, the shape floor ${f(shape)} ×${over}, the hook ${f(median(r.shape.hookOver[key]))} × the shape floor`;
  };
  // How sure the verdict is: an interval for the median ratio from its order statistics (stats.mjs), and
  // whether it lies wholly on one side of the target.
  const sure = (key) => {
    const i = medianInterval(r.ratio[key]);
    if (!i) return '';
    const side = i.hi <= r.targets[key] ? 'all within' : i.lo > r.targets[key] ? 'all over' : 'across';
    return `; ${Math.floor(i.confidence * 100)} % interval for the median ${f(i.lo)}–${f(i.hi)}, ${side} the target`;
  };
  if (r.targets.wall) check(median(r.ratio.wall) <= r.targets.wall, `${what}: wall ${shown(median(r.ratio.wall), r.targets.wall)} × ${base} (≤ ${r.targets.wall} ×${sure('wall')})${under('wall')}`);
  if (r.targets.cpu) check(median(r.ratio.cpu) <= r.targets.cpu, `${what}: CPU ${shown(median(r.ratio.cpu), r.targets.cpu)} × ${base} (≤ ${r.targets.cpu} ×${sure('cpu')})${under('cpu')}`);
  if (r.targets.rssMb) {
    const mb = (runs) => f(median(runs.rssMb), 1);
    const floors = r.packages ? `; the package floor peaks at ${mb(r.packages)} MB, the shape floor at ${mb(r.shape)} MB, the floor at ${mb(r.baseline)} MB` : '';
    check(median(r.measured.rssMb) <= r.targets.rssMb, `${what}: peak RSS ${mb(r.measured)} MB (≤ ${r.targets.rssMb} MB)${floors}`);
  }
  const tools = r.hook === 'update-status' ? 0 : r.n + 2;
  check(r.measured.tools.length === 1 && r.measured.tools[0] === tools, `${what}: ${r.measured.tools.join(' or ')} hook tools spawned (${tools})`);
  if (r.hook === 'update-status') check(r.stateWrites === 0, `${what}: state file rewritten by ${r.stateWrites} of ${r.pairs + warmUp} runs (0)`);
}

const doc = {
  cli,
  node: process.version,
  machine: { cpus: cpus().length, loadBefore, loadAfter },
  nodeArgs,
  hookArgs,
  seconds: (performance.now() - started) / 1000,
  results,
  checks,
};
if (opts.out) writeFileSync(opts.out, JSON.stringify(doc, null, 2) + '\n');
if (opts.json) {
  console.log(JSON.stringify(doc, null, 2));
  process.exit(0);
}

const load = (l) => l.map((x) => f(x)).join(' ');
console.log(`docker-resource hook benchmark: node ${[...nodeArgs, cli.startsWith(ROOT) ? cli.slice(ROOT.length) : cli, ...hookArgs].join(' ')}; node ${process.version}, ${cpus().length} CPUs`);
console.log(`load average ${load(loadBefore)} before, ${load(loadAfter)} after; medians of paired runs (floor, hook), ratio q1–q3 in brackets\n`);
console.log(
  table(
    ['case', 'hook', 'N', 'get ms', 'pairs', 'vs', 'wall ms', 'wall ×', '(q1–q3)', 'CPU ms', 'CPU ×', '(q1–q3)', 'RSS MB', 'tools', 'state file B'],
    results.map((r) => [
      r.id,
      r.hook,
      String(r.n),
      String(r.delayMs),
      String(r.pairs),
      r.base === 'node' ? "node -e ''" : `floor c=${r.floorConcurrency}`,
      `${f(median(r.baseline.wallMs), 0)} / ${f(median(r.measured.wallMs), 0)}`,
      f(median(r.ratio.wall)),
      quartiles(r.ratio.wall),
      `${f(median(r.baseline.cpuMs), 0)} / ${f(median(r.measured.cpuMs), 0)}`,
      f(median(r.ratio.cpu)),
      quartiles(r.ratio.cpu),
      `${f(median(r.baseline.rssMb), 1)} / ${f(median(r.measured.rssMb), 1)}`,
      `${r.baseline.tools.join('|')} / ${r.measured.tools.join('|')}`,
      String(r.stateBytes),
    ]),
  ),
);
const withPackages = results.filter((r) => r.packages);
if (withPackages.length > 0) {
  console.log('\nThe package floor (bench/floor-packages.cjs): the floor\'s calls through execa with the hook\'s options, after loading execa, XState and js-yaml as the bin does;');
  console.log('the shape floor (the same with --machines): each call through an XState machine of its own, idle → fetching → available, its fetch an invoked actor\n');
  const pair = (a, b, d = 2) => `${f(a, d)} / ${f(b, d)}`;
  console.log(
    table(
      ['case', 'wall ms floor / packages / shape / hook', 'packages × floor (wall / CPU)', 'shape × floor (wall / CPU)', 'hook × shape (wall / CPU)', 'RSS MB floor / packages / shape / hook'],
      withPackages.map((r) => [
        r.id,
        [r.baseline, r.packages, r.shape, r.measured].map((x) => f(median(x.wallMs), 0)).join(' / '),
        pair(median(r.packages.overFloor.wall), median(r.packages.overFloor.cpu)),
        pair(median(r.shape.overFloor.wall), median(r.shape.overFloor.cpu)),
        pair(median(r.shape.hookOver.wall), median(r.shape.hookOver.cpu)),
        [r.baseline, r.packages, r.shape, r.measured].map((x) => f(median(x.rssMb), 1)).join(' / '),
      ]),
    ),
  );
}
console.log('\n' + checks.map((c) => `${c.ok ? 'met   ' : 'MISSED'}  ${c.text}`).join('\n'));
const warnings = results.flatMap((r) => r.warnings.map((w) => `${r.id}: ${w.split('\n')[0]}`));
if (warnings.length > 0) console.log('\nstderr of some hooks:\n' + [...new Set(warnings)].slice(0, 10).join('\n'));
console.log(`\n(${f(doc.seconds, 0)} s)`);
