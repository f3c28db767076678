#!/usr/bin/env node
// What one hook-tool spawn costs the hook's own process, by way of running it (issue 15).
//
//   node bench/spawn-cost.mjs                       # N = 1000 spawns, 16 and 100 in flight, 2 reps (≈ 18 min)
//   node bench/spawn-cost.mjs --n 300 --reps 1 --concurrency 16 --variants spawn,"execa current"
//   node bench/spawn-cost.mjs --skip-spawns         # only the cost of loading execa's chunk
//   node bench/spawn-cost.mjs --json
//
// Part 1, per spawn: each runner of bench/spawn-variants.mjs runs in a fresh node process that loads
// execa (the built bundle's chunk, else node_modules), warms up with 20 calls, then runs N calls of
// the bench's fake resource-get with C in flight. That process measures itself: CPU time (user + sys,
// getrusage of this process only: the tools' own CPU is not in it), wall time, bytes allocated on
// the V8 heap (heap growth plus what each GC freed, from v8.GCProfiler), GC count, and peak RSS.
// Runs are interleaved (variant after variant, rep after rep); the table shows medians.
//
// Part 2, loading execa: fresh processes, in rotation (bench/stopwatch.mjs: wall and CPU of the
// whole tree), of `node --input-type=module -e` with: nothing; an import of the bundle's execa chunk;
// that import and one call through execa; one call through child_process.spawn.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { makeCharm } from './charm.mjs';
import { median, progress, progressDone, table } from './stats.mjs';
import { startStopwatch } from './stopwatch.mjs';
import { variants } from './spawn-variants.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The bundle's execa file (dist/bundle/execa.cjs, scripts/bundle.mjs), or undefined when the bundle is not built. */
function execaChunk(bundleDir = `${ROOT}dist/bundle`) {
  const file = `${bundleDir}/execa.cjs`;
  return existsSync(file) ? file : undefined;
}

async function child({ variant, concurrency, n, chunk }) {
  const loaded = await import(chunk ? pathToFileURL(chunk).href : 'execa');
  const { execa } = loaded.execa ? loaded : loaded.default; // a CommonJS file's exports arrive as the default
  const run = variants(execa)[variant]();
  const env = process.env;
  const wantStdout = variant !== 'execa + stdout: ignore';
  const batch = async (count) => {
    let next = 0;
    const worker = async () => {
      while (next++ < count) {
        const r = await run('resource-get', ['image-1'], env);
        if (r.exitCode !== 0 || (wantStdout && !r.stdout.endsWith('image-1'))) throw new Error(`resource-get: ${JSON.stringify(r)}`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  };
  await batch(20);
  const profiler = new GCProfiler();
  profiler.start();
  const heap0 = getHeapStatistics().used_heap_size;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await batch(n);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const heap1 = getHeapStatistics().used_heap_size;
  const { statistics } = profiler.stop();
  const freed = statistics.reduce((sum, s) => sum + s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize, 0);
  const gcMs = statistics.reduce((sum, s) => sum + s.cost, 0) / 1000;
  process.stdout.write(
    JSON.stringify({ userMs: cpu.user / 1000, sysMs: cpu.system / 1000, wallMs, allocated: heap1 - heap0 + freed, gcs: statistics.length, gcMs, maxRssKb: process.resourceUsage().maxRSS }),
  );
}

/** Runs one child measurement; resolves with its JSON. */
function measureChild(spec, env) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', JSON.stringify(spec)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${spec.variant}: exit ${code}`))));
  });
}

async function spawnCosts({ n, reps, concurrencies, names, chunk, charm }) {
  const env = charm.env('install', 0);
  const rows = [];
  const samples = new Map();
  for (let rep = 0; rep < reps; rep++) {
    for (const concurrency of concurrencies) {
      for (const variant of names) {
        progress(`spawn cost: rep ${rep + 1}/${reps}, ${concurrency} in flight, ${variant}`);
        const key = `${variant}\0${concurrency}`;
        if (!samples.has(key)) samples.set(key, { variant, concurrency, runs: [] });
        samples.get(key).runs.push(await measureChild({ variant, concurrency, n, chunk }, env));
      }
    }
  }
  progressDone();
  for (const { variant, concurrency, runs } of samples.values()) {
    const m = (f) => median(runs.map(f));
    rows.push({
      variant,
      concurrency,
      reps: runs.length,
      cpuMsPerSpawn: m((r) => (r.userMs + r.sysMs) / n),
      userMsPerSpawn: m((r) => r.userMs / n),
      sysMsPerSpawn: m((r) => r.sysMs / n),
      wallMsPerSpawn: m((r) => r.wallMs / n),
      allocatedKbPerSpawn: m((r) => r.allocated / n / 1024),
      gcs: m((r) => r.gcs),
      gcMs: m((r) => r.gcMs),
      peakRssMb: m((r) => r.maxRssKb / 1024),
      runs,
    });
  }
  return rows;
}

async function loadCosts({ reps, chunk, charm }) {
  const url = JSON.stringify(pathToFileURL(chunk).href);
  const env = charm.env('install', 0);
  const call = "const r = await execa('resource-get', ['image-1'], { reject: false, stdin: 'ignore', stripFinalNewline: false }); if (r.exitCode !== 0) process.exit(1);";
  const spawnOne =
    "const { spawn } = await import('node:child_process'); await new Promise((ok) => { const c = spawn('resource-get', ['image-1'], { stdio: ['ignore', 'pipe', 'pipe'] }); c.stdout.on('data', () => {}); c.on('close', ok); });";
  const programs = {
    "node --input-type=module -e ''": '',
    'import the execa chunk': `await import(${url});`,
    'import it + one execa call': `const m = await import(${url}); const { execa } = m.execa ? m : m.default; ${call}`,
    'one child_process.spawn call': spawnOne,
  };
  const watch = startStopwatch();
  const runs = Object.fromEntries(Object.keys(programs).map((k) => [k, []]));
  try {
    for (let rep = 0; rep <= reps; rep++) {
      progress(`loading execa: rep ${rep}/${reps}`);
      for (const [name, code] of Object.entries(programs)) {
        const r = await watch.run([process.execPath, '--input-type=module', '-e', code], { env, cwd: charm.charmDir });
        if (r.exitCode !== 0) throw new Error(`${name}: exit ${r.exitCode}\n${r.stderr}`);
        if (rep > 0) runs[name].push(r);
      }
    }
  } finally {
    watch.close();
  }
  progressDone();
  const bare = runs["node --input-type=module -e ''"];
  return Object.entries(runs).map(([name, rs]) => ({
    program: name,
    reps: rs.length,
    wallMs: median(rs.map((r) => r.wallMs)),
    cpuMs: median(rs.map((r) => r.cpuMs)),
    // paired with the bare run of the same rotation
    wallMsOverBare: median(rs.map((r, i) => r.wallMs - bare[i].wallMs)),
    cpuMsOverBare: median(rs.map((r, i) => r.cpuMs - bare[i].cpuMs)),
    rssMb: median(rs.map((r) => r.rssMb)),
  }));
}

const { values: opts } = parseArgs({
  options: {
    child: { type: 'string' },
    n: { type: 'string' },
    reps: { type: 'string' },
    concurrency: { type: 'string' },
    variants: { type: 'string' },
    'load-reps': { type: 'string' },
    'skip-spawns': { type: 'boolean' },
    'skip-load': { type: 'boolean' },
    bundle: { type: 'string' },
    json: { type: 'boolean' },
  },
});
if (opts.child) {
  await child(JSON.parse(opts.child));
} else {
  const chunk = execaChunk(opts.bundle);
  const n = Number(opts.n ?? 1000);
  const all = Object.keys(variants(() => {}));
  const names = opts.variants?.split(',') ?? all;
  const bad = names.filter((v) => !all.includes(v));
  if (bad.length > 0) throw new Error(`unknown variant ${bad.join(', ')}; the variants are: ${all.join(', ')}`);
  const charm = makeCharm(1);
  const { loadavg } = await import('node:os');
  const loadBefore = loadavg();
  const started = performance.now();
  let spawns = [];
  let loads = [];
  try {
    if (!opts['skip-spawns'])
      spawns = await spawnCosts({ n, reps: Number(opts.reps ?? 2), concurrencies: (opts.concurrency ?? '16,100').split(',').map(Number), names, chunk, charm });
    if (!opts['skip-load']) {
      if (!chunk) throw new Error('no dist/bundle/execa.cjs: run "npm run build" first');
      loads = await loadCosts({ reps: Number(opts['load-reps'] ?? 15), chunk, charm });
    }
  } finally {
    charm.remove();
  }
  const doc = { node: process.version, chunk, n, load: { before: loadBefore, after: loadavg() }, seconds: (performance.now() - started) / 1000, spawns, loads };
  if (opts.json) {
    console.log(JSON.stringify(doc, null, 2));
  } else {
    const f = (x, d = 2) => x.toFixed(d);
    console.log(`spawn cost: node ${process.version}, execa from ${chunk ? chunk.slice(ROOT.length) : 'node_modules'}, load ${doc.load.before.map((x) => f(x)).join(' ')} before, ${doc.load.after.map((x) => f(x)).join(' ')} after\n`);
    if (spawns.length > 0) {
      console.log(`Per spawn, in the spawning process (N = ${n}, medians of ${spawns[0].reps} runs); Δ = CPU against "execa current" at the same concurrency\n`);
      const base = (c) => spawns.find((r) => r.variant === 'execa current' && r.concurrency === c);
      console.log(
        table(
          ['runner', 'in flight', 'CPU ms', 'user', 'sys', 'Δ CPU ms', 'wall ms', 'alloc KB', 'GCs', 'GC ms', 'peak RSS MB'],
          spawns.map((r) => [
            r.variant,
            String(r.concurrency),
            f(r.cpuMsPerSpawn),
            f(r.userMsPerSpawn),
            f(r.sysMsPerSpawn),
            base(r.concurrency) ? f(r.cpuMsPerSpawn - base(r.concurrency).cpuMsPerSpawn) : '',
            f(r.wallMsPerSpawn),
            f(r.allocatedKbPerSpawn, 1),
            f(r.gcs, 0),
            f(r.gcMs, 0),
            f(r.peakRssMb, 1),
          ]),
        ),
      );
    }
    if (loads.length > 0) {
      console.log(`\nLoading execa's chunk (fresh processes in rotation, medians of ${loads[0].reps}; over bare = median of the differences to the bare run of the same rotation; CPU of the whole tree)\n`);
      console.log(
        table(
          ['program', 'wall ms', 'over bare', 'CPU ms', 'over bare', 'RSS MB'],
          loads.map((r) => [r.program, f(r.wallMs, 1), f(r.wallMsOverBare, 1), f(r.cpuMs, 1), f(r.cpuMsOverBare, 1), f(r.rssMb, 1)]),
        ),
      );
    }
    console.log(`\n(${f(doc.seconds, 0)} s)`);
  }
}
