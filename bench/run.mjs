#!/usr/bin/env node
// The hook benchmark (issue 7): runs the built CLI's `hook` as Juju would, a fresh process per hook,
// against the fake hook tools in test/fixtures/bin, and prints figures. It asserts nothing.
//
//   npm run bench                      # N = 1, 10, 100, 1000; resource-get latency 0 and 50 ms; 5 runs each
//   npm run bench -- --quick           # N = 1, 10, 100; 3 runs each (about a minute)
//   npm run bench -- --sizes 100 --delays 0.05 --concurrency 32 --runs 7
//   npm run bench -- --cli dist/unbundled/bin/docker-resource.js   # after `npx tsc --outDir dist/unbundled`: unbundled
//   npm run bench -- --json            # also print every figure as JSON
//
// One cycle per run: install (auto-fetch of every resource, from no state), an idle update-status
// (nothing to fetch or retry), upgrade-charm (refetch of every resource, unchanged). Each case also
// gets one untimed run preloading bench/rss.mjs for the peak RSS and the CPU time of the hook's own
// process (hook tools not included): steadier than wall time on a busy machine. Bare `node -e ''` is timed in the
// same way between cases, so every time is also a ratio to it.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FAKE_BIN = join(ROOT, 'test', 'fixtures', 'bin');
const RSS_PRELOAD = join(ROOT, 'bench', 'rss.mjs');
const HOOKS = ['install', 'update-status', 'upgrade-charm'];

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    runs: { type: 'string' },
    sizes: { type: 'string' },
    delays: { type: 'string' },
    concurrency: { type: 'string' },
    cli: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (opts.help) {
  const text = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
  process.stdout.write(text.slice(1, text.findIndex((l) => l.startsWith('import'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
  process.exit(0);
}
const list = (s, fallback) => (s === undefined ? fallback : s.split(',').map(Number));
const runs = Number(opts.runs ?? (opts.quick ? 3 : 5));
const sizes = list(opts.sizes, opts.quick ? [1, 10, 100] : [1, 10, 100, 1000]);
const delays = list(opts.delays, [0, 0.05]);
const cli = join(ROOT, opts.cli ?? 'dist/bundle/docker-resource.js');
const hookArgs = ['hook', ...(opts.concurrency ? ['--concurrency', opts.concurrency] : [])];
try {
  statSync(cli);
} catch {
  console.error(`bench: ${cli} not found; run "npm run build" first`);
  process.exit(2);
}

/** Runs `node ...args` to its end; resolves with wall time (ms), exit code, stdout and stderr. */
function node(args, env) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - start, code, stdout, stderr }));
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const bareTimes = [];
async function bare(times) {
  for (let i = 0; i < times; i++) bareTimes.push((await node(['-e', ''], process.env)).ms);
}

/** A charm with `n` auto-fetched oci-image resources, each attached in a fresh fake Juju. */
function makeCharm(n) {
  const root = mkdtempSync(join(tmpdir(), `docker-resource-bench-${n}-`));
  const charmDir = join(root, 'charm');
  const jujuDir = join(root, 'juju');
  mkdirSync(charmDir);
  mkdirSync(join(jujuDir, 'resources'), { recursive: true });
  const lines = ['name: bench', 'resources:'];
  for (let i = 1; i <= n; i++) {
    const name = `image-${i}`;
    lines.push(`  ${name}:`, '    type: oci-image', '    auto-fetch: true');
    writeFileSync(join(jujuDir, 'resources', name), `registrypath: registry.example/team/app-${i}:1.${i}\nusername: bot\npassword: bench-pw-${i}\n`);
  }
  writeFileSync(join(charmDir, 'metadata.yaml'), lines.join('\n') + '\n');
  return { root, charmDir, jujuDir, stateDir: join(charmDir, '.docker-resource') };
}

const callCount = (jujuDir) => {
  try {
    return readFileSync(join(jujuDir, 'calls'), 'latin1').split('\x1e').length - 1;
  } catch {
    return 0;
  }
};

/** Identity of the state file and its backup, to tell which ones a hook rewrote. */
function stateFiles(stateDir) {
  return ['state.json', 'state.json.bak'].map((f) => {
    try {
      const s = statSync(join(stateDir, f));
      return { key: `${s.ino}:${s.mtimeMs}:${s.size}`, size: s.size };
    } catch {
      return { key: 'none', size: 0 };
    }
  });
}

/** One hook as a fresh process: wall time, tools spawned, state bytes written (and peak RSS and CPU time with `rss`). */
async function hook(charm, name, delay, rss) {
  const rssFile = join(charm.root, 'rss');
  const env = {
    ...process.env,
    PATH: [FAKE_BIN, process.env['PATH']].filter(Boolean).join(delimiter),
    FAKE_JUJU_DIR: charm.jujuDir,
    FAKE_RESOURCE_GET_DELAY: delay > 0 ? String(delay) : '',
    JUJU_CHARM_DIR: charm.charmDir,
    JUJU_DISPATCH_PATH: `hooks/${name}`,
    ...(rss ? { BENCH_RSS_FILE: rssFile } : {}),
  };
  const calls = callCount(charm.jujuDir);
  const files = stateFiles(charm.stateDir);
  const result = await node([...(rss ? ['--import', RSS_PRELOAD] : []), cli, ...hookArgs], env);
  if (result.code !== 0 || /→ failed/.test(result.stdout))
    throw new Error(`${name} failed (exit ${result.code}):\n${result.stdout.split('\n').find((l) => l.includes('→ failed')) ?? ''}\n${result.stderr}`);
  const after = stateFiles(charm.stateDir);
  return {
    ms: result.ms,
    tools: callCount(charm.jujuDir) - calls,
    bytes: after.reduce((sum, f, i) => sum + (f.key !== files[i].key ? f.size : 0), 0),
    usage: rss ? JSON.parse(readFileSync(rssFile, 'utf8')) : undefined,
    stderr: result.stderr,
  };
}

/** One cycle (install from no state, idle update-status, upgrade-charm) for each run; figures per hook. */
async function measure(charm, delay) {
  const samples = Object.fromEntries(HOOKS.map((h) => [h, []]));
  for (let run = 0; run <= runs; run++) {
    rmSync(charm.stateDir, { recursive: true, force: true });
    rmSync(join(charm.jujuDir, 'calls'), { force: true });
    for (const h of HOOKS) samples[h].push(await hook(charm, h, delay, run === 0));
  }
  return HOOKS.map((h) => {
    const [rssRun, ...timed] = samples[h];
    const ms = timed.map((s) => s.ms);
    const warnings = [...new Set(samples[h].map((s) => s.stderr.trim()).filter(Boolean))];
    return {
      hook: h,
      ms: { median: median(ms), min: Math.min(...ms), max: Math.max(...ms) },
      rssMb: rssRun.usage.maxRSS / 1024,
      cpuMs: rssRun.usage.cpu / 1000,
      tools: Math.max(...timed.map((s) => s.tools)),
      bytes: Math.max(...timed.map((s) => s.bytes)),
      warnings,
    };
  });
}

const started = performance.now();
await bare(5);
const rows = [];
for (const n of sizes) {
  const charm = makeCharm(n);
  try {
    for (const delay of delays) {
      for (const r of await measure(charm, delay)) rows.push({ n, delayMs: delay * 1000, ...r });
      await bare(3);
    }
  } finally {
    rmSync(charm.root, { recursive: true, force: true });
  }
}
const nodeMs = median(bareTimes);

const fmt = (x, d = 0) => x.toFixed(d);
const table = [
  ['hook', 'N', 'get ms', 'wall ms', 'min–max', '× node', 'CPU ms', 'RSS MB', 'tools', 'state B'],
  ...rows.map((r) => [
    r.hook,
    String(r.n),
    String(r.delayMs),
    fmt(r.ms.median),
    `${fmt(r.ms.min)}–${fmt(r.ms.max)}`,
    fmt(r.ms.median / nodeMs, 2),
    fmt(r.cpuMs),
    fmt(r.rssMb, 1),
    String(r.tools),
    String(r.bytes),
  ]),
];
const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
const line = (row) => '| ' + row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
console.log(`docker-resource hook benchmark: ${cli.slice(ROOT.length)}, node ${process.version}, ${runs} runs per case (median)`);
console.log(`bare \`node -e ''\`: ${fmt(nodeMs)} ms (min–max ${fmt(Math.min(...bareTimes))}–${fmt(Math.max(...bareTimes))}, ${bareTimes.length} runs)\n`);
console.log(line(table[0]));
console.log('|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
for (const row of table.slice(1)) console.log(line(row));

// The targets, checked against this run's figures.
const find = (hook, n, delayMs) => rows.find((r) => r.hook === hook && r.n === n && r.delayMs === delayMs);
const checks = [];
const check = (ok, text) => checks.push(`${ok ? 'met   ' : 'MISSED'}  ${text}`);
for (const r of rows.filter((x) => x.hook === 'update-status' && x.delayMs === 0)) {
  const ratio = r.ms.median / nodeMs;
  check(r.tools === 0 && r.bytes === 0 && ratio <= 1.3, `idle hook, N=${r.n}: ${r.tools} tools, ${r.bytes} B written, ${fmt(ratio, 2)}× node (≤ 1.3×)`);
}
const one = find('install', 1, 0);
if (one) check(one.ms.median / nodeMs <= 1.6, `install, N=1: ${fmt(one.ms.median / nodeMs, 2)}× node (≤ 1.6×)`);
const hundred = find('install', 100, 50);
if (hundred)
  check(hundred.ms.median <= 600 && hundred.tools <= 103, `install, N=100 at 50 ms: ${fmt(hundred.ms.median)} ms (≤ 600), ${hundred.tools} tools (≤ N + 3 = 103)`);
for (const delayMs of delays.map((d) => d * 1000)) {
  const pts = sizes.map((n) => find('install', n, delayMs)).filter(Boolean);
  if (pts.length < 3) continue;
  const [a, b, c] = pts.slice(-3);
  if (b.n - a.n < 50) continue; // start-up noise dominates small steps
  const slope1 = (b.ms.median - a.ms.median) / (b.n - a.n);
  const slope2 = (c.ms.median - b.ms.median) / (c.n - b.n);
  check(slope2 <= 2 * Math.max(slope1, 0.1), `install at ${delayMs} ms grows linearly: ${fmt(slope1, 2)} ms per resource from N=${a.n} to ${b.n}, ${fmt(slope2, 2)} from ${b.n} to ${c.n}`);
}
const big = rows.filter((r) => r.n === 1000);
if (big.length > 0) {
  const peak = Math.max(...big.map((r) => r.rssMb));
  check(peak <= 80, `peak RSS at N=1000: ${fmt(peak, 1)} MB (≤ 80)`);
}
console.log('\n' + checks.join('\n'));
const warnings = rows.flatMap((r) => r.warnings.map((w) => `${r.hook} N=${r.n}: ${w.split('\n')[0]}`));
if (warnings.length > 0) console.log('\nstderr of some hooks:\n' + [...new Set(warnings)].slice(0, 10).join('\n'));
console.log(`\n(${fmt((performance.now() - started) / 1000, 0)} s)`);
if (opts.json) console.log(JSON.stringify({ nodeMs, bareTimes, runs, rows }, null, 2));
