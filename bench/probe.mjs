#!/usr/bin/env node
// What the registry probe (`docker-resource hook --verify`, docs/REGISTRY-PROBE.md) adds to an install
// hook, against a real registry on this machine.
//
//   npm run bench:probe                      # builds, then N=1 and N=10, 11 pairs each
//   npm run bench:probe -- --n 1,10,100 --pairs 21
//   npm run bench:probe -- --cli /other/checkout/dist/bundle/docker-resource.js   # another build
//   npm run bench:probe -- --out probe.json  # the table, and the JSON into a file
//
// The registry: Debian's docker-registry on 127.0.0.1 (a free port) with TLS (a self-signed certificate
// for IP:127.0.0.1, made with openssl) and htpasswd auth, in a temporary directory; one small OCI image,
// written here, pushed with skopeo to 127.0.0.1:PORT/team/app-i:1 for each resource i of the charm.
// It is stopped by pid and the directory removed when the bench ends, also on Ctrl-C.
//
// Each N runs as pairs, A then B (A B A B …), after one warm-up pair that is not counted:
//   A = `docker-resource hook` in an install hook, from no state (bench/charm.mjs, resource-get at once),
//   B = the same with --verify: per image GET /v2/, then HEAD of the manifest with Basic auth.
// Both get the same environment, NODE_EXTRA_CA_CERTS naming the registry's certificate included, so
// Node's cost of reading that CA (at start-up, with its bundled ones) is on both sides and B − A is the
// probe's: loading undici, the TLS handshakes, the requests, and the registry's answers. The registry's
// own CPU (a TLS handshake and a bcrypt check per Basic request) is in wall time only, as it is not a
// process of the hook: the table shows it apart, as a mean per run (/proc counts it in 10 ms ticks).
// Every B run must have verified every image (state: available, with the digest skopeo pushed), every
// A run none, else the bench stops. One more run, --verify with a wrong password, must print the
// probe's auth-failed line (it shows the probe really asks the registry), printed below the table.
// Every run goes through bench/stopwatch.mjs: wall time, CPU = user + sys of the hook's process tree,
// peak RSS of the hook's node process. The bench asserts nothing about the figures.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { freePort, registryConfigYaml, tarOf, waitForPort } from '../test/fixtures/registry/kit.mjs';
import { makeCharm } from './charm.mjs';
import { startStopwatch } from './stopwatch.mjs';
import { median, printHelp, progress, progressDone, quantile, table } from './stats.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const USER = 'bench';
const PASSWORD = 'bench-pw';
/** skopeo pushes at once: enough to overlap their start-up, few enough for a 2-core machine. */
const PUSHES_IN_FLIGHT = 4;

const { values: opts } = parseArgs({
  options: {
    n: { type: 'string', default: '1,10' },
    pairs: { type: 'string', default: '11' },
    cli: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (opts.help) printHelp(import.meta.url);
const ns = opts.n.split(',').map(Number);
const pairs = Number(opts.pairs);
if (!ns.every((n) => Number.isInteger(n) && n > 0) || !(Number.isInteger(pairs) && pairs > 0)) {
  console.error('bench: --n takes positive integers separated by commas, --pairs a positive integer');
  process.exit(2);
}
const cli = opts.cli === undefined ? `${ROOT}dist/bundle/docker-resource.js` : resolve(opts.cli);
try {
  statSync(cli);
} catch {
  console.error(`bench: ${cli} not found; run "npm run build" first`);
  process.exit(2);
}

/** What to undo, newest first: by the `finally` at the end, awaiting each; on Ctrl-C at once, awaiting none. */
const undo = [];
async function undoAll() {
  while (undo.length > 0) await undo.pop()();
}
process.once('SIGINT', () => {
  progressDone('bench: interrupted; stopping the registry');
  while (undo.length > 0) undo.pop()();
  process.exit(130);
});

/** Starts docker-registry with TLS and htpasswd auth in `dir`; registers its stop (by pid) in `undo`. */
async function startRegistry(dir) {
  const cert = join(dir, 'registry.crt');
  const key = join(dir, 'registry.key');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '1', '-subj', '/CN=registry']
    .concat(['-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert]), { stdio: ['ignore', 'ignore', 'pipe'] });
  // htpasswd -B: bcrypt at its default cost, as a real htpasswd registry stores passwords.
  writeFileSync(join(dir, 'htpasswd'), execFileSync('htpasswd', ['-Bbn', USER, PASSWORD], { encoding: 'utf8' }).trim() + '\n');
  mkdirSync(join(dir, 'storage'));
  const port = await freePort();
  const config = join(dir, 'config.yml');
  const auth = `  htpasswd:\n    realm: docker-resource-bench\n    path: ${join(dir, 'htpasswd')}\n`;
  writeFileSync(config, registryConfigYaml(dir, port, { cert, key }, auth));
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const spawned = new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject));
  await spawned.catch((error) => Promise.reject(new Error(`bench needs Debian's docker-registry: ${error.message}`)));
  undo.push(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGTERM');
    return exited;
  });
  await Promise.race([waitForPort(port), exited.then(() => Promise.reject(new Error(`docker-registry exited at start: ${stderr}`)))]);
  const version = execFileSync('docker-registry', ['--version'], { encoding: 'utf8' }).trim().split(' ').at(-1);
  const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
  /** CPU time the registry used so far: utime + stime, fields 14 and 15 of /proc/PID/stat. */
  const cpuMs = () => {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  };
  return { host: `127.0.0.1:${port}`, cert, version, cpuMs };
}

const sha256 = (bytes) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** Writes an OCI image layout (one config, one gzipped one-file layer, its manifest) tagged `tag`. */
function writeOciLayout(dir, tag) {
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  const blob = (content) => {
    const bytes = Buffer.from(content);
    const digest = sha256(bytes);
    writeFileSync(join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length)), bytes);
    return { digest, size: bytes.length };
  };
  const tar = tarOf('hello.txt', 'hello from bench/probe.mjs\n');
  const layer = blob(gzipSync(tar));
  const config = blob(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [sha256(tar)] } }));
  const manifest = blob(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
  }));
  const ref = { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': tag } };
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [ref] }));
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  return dir;
}

/** `skopeo copy oci:LAYOUT:TAG docker://DESTINATION`; resolves with the digest of the pushed manifest. */
function push(layout, tag, destination, digestFile) {
  const args = ['--insecure-policy', 'copy', '--dest-creds', `${USER}:${PASSWORD}`, '--dest-tls-verify=false', '--digestfile', digestFile];
  return new Promise((resolve, reject) => {
    // HOME: skopeo reads no auth file or registries.conf of the user running the bench.
    execFile('skopeo', [...args, `oci:${layout}:${tag}`, `docker://${destination}`], { env: { ...process.env, HOME: layout } }, (error, _out, stderr) => {
      if (error) reject(new Error(`skopeo copy to ${destination} failed: ${stderr.trim().slice(-1000) || error.message}`));
      else resolve(readFileSync(digestFile, 'utf8').trim());
    });
  });
}

/** Pushes the layout to every image of `images`, PUSHES_IN_FLIGHT at a time; resolves with their digests. */
async function pushAll(dir, layout, images) {
  const digests = new Array(images.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < images.length; i = next++) {
      progress(`pushing ${images[i]}`);
      digests[i] = await push(layout, '1', images[i], join(dir, `digest-${i}`));
    }
  };
  await Promise.all(Array.from({ length: Math.min(PUSHES_IN_FLIGHT, images.length) }, worker));
  return digests;
}

/** The resources of the charm's saved state, by name. */
function savedResources(charm) {
  return JSON.parse(readFileSync(join(charm.charmDir, '.docker-resource', 'state.json'), 'utf8')).resources;
}

/** Runs the hook in the charm's install environment, from no state, with the registry's CPU meanwhile; throws when it fails. */
async function install(registry, charm, env, verify, what) {
  charm.resetState();
  const registryBefore = registry.cpuMs();
  const r = await watch.run([process.execPath, cli, 'hook', ...(verify ? ['--verify'] : [])], { env, cwd: charm.charmDir });
  if (r.exitCode !== 0 || /→ failed/.test(r.stdout)) {
    const failed = r.stdout.split('\n').find((l) => l.includes('→ failed')) ?? '';
    throw new Error(`${what} failed (exit ${r.exitCode}, signal ${r.signal}): ${failed}\n${r.stderr}`);
  }
  return { ...r, registryCpuMs: registry.cpuMs() - registryBefore };
}

/**
 * Throws unless every resource is available and, when `digests` is given, verified: its registry digest
 * the one skopeo pushed; without it, not asked (no registry digest, not unverified).
 */
function checkState(charm, digests, r, what) {
  const saved = savedResources(charm);
  for (let i = 1; i <= charm.n; i++) {
    const s = saved[`image-${i}`];
    const ok = s?.value === 'available' && (digests ? s.context.registryDigest === digests[i - 1] : !s.context.registryDigest) && typeof s.context.unverified !== 'string';
    if (!ok || /unverified/.test(r.stdout)) {
      const got = s ? `${s.value}, registry digest ${s.context.registryDigest ?? 'none'}${s.context.unverified ? `, unverified: ${s.context.unverified}` : ''}` : 'no state';
      throw new Error(`${what}: image-${i} is ${got}; expected available, ${digests ? `registry digest ${digests[i - 1]}` : 'not verified'}\n${r.stdout}${r.stderr}`);
    }
  }
}

/** The pairs of one N: A (hook) then B (hook --verify), `pairs` times after a warm-up pair. */
async function measure(registry, digests, n) {
  const charm = makeCharm(n, { image: (i) => `${registry.host}/team/app-${i}:1`, username: USER, password: PASSWORD });
  undo.push(() => charm.remove());
  const env = { ...charm.env('install', 0), NODE_EXTRA_CA_CERTS: registry.cert };
  const samples = { a: [], b: [] };
  for (let i = 0; i <= pairs; i++) {
    progress(`N=${n}: pair ${i}/${pairs}`);
    const a = await install(registry, charm, env, false, `N=${n}: hook`);
    checkState(charm, undefined, a, `N=${n}: hook`);
    const b = await install(registry, charm, env, true, `N=${n}: hook --verify`);
    checkState(charm, digests, b, `N=${n}: hook --verify`);
    if (i === 0) continue; // warm-up
    samples.a.push(a);
    samples.b.push(b);
  }
  undo.pop()();
  const of = (runs, key) => runs.map((r) => r[key]);
  const side = (runs) => ({ wallMs: of(runs, 'wallMs'), cpuMs: of(runs, 'cpuMs'), rssMb: of(runs, 'rssMb'), registryCpuMs: of(runs, 'registryCpuMs') });
  const added = (key) => samples.b.map((b, i) => b[key] - samples.a[i][key]);
  const ratio = (key) => samples.b.map((b, i) => b[key] / samples.a[i][key]);
  const warnings = [...new Set([...samples.a, ...samples.b].map((r) => r.stderr.trim()).filter(Boolean))];
  progressDone(`N=${n}: ${pairs} pairs, --verify adds ${median(added('wallMs')).toFixed(0)} ms wall, ${median(added('cpuMs')).toFixed(0)} ms CPU`);
  return { n, pairs, hook: side(samples.a), verify: side(samples.b), added: { wallMs: added('wallMs'), cpuMs: added('cpuMs') }, ratio: { wall: ratio('wallMs'), cpu: ratio('cpuMs') }, warnings };
}

/** One install with --verify and a wrong password: the line the hook prints for image-1. */
async function wrongPassword(registry) {
  const charm = makeCharm(1, { image: (i) => `${registry.host}/team/app-${i}:1`, username: USER, password: 'not-the-password' });
  undo.push(() => charm.remove());
  const env = { ...charm.env('install', 0), NODE_EXTRA_CA_CERTS: registry.cert };
  const r = await watch.run([process.execPath, cli, 'hook', '--verify'], { env, cwd: charm.charmDir });
  undo.pop()();
  const failed = r.stdout.split('\n').find((l) => /→ failed \(auth-failed: /.test(l));
  if (failed === undefined) throw new Error(`a wrong password did not give auth-failed (exit ${r.exitCode}):\n${r.stdout}${r.stderr}`);
  return failed;
}

const started = performance.now();
const loadBefore = loadavg();
const watch = startStopwatch();
undo.push(() => watch.close());
const dir = mkdtempSync(join(tmpdir(), 'docker-resource-probe-bench-'));
undo.push(() => rmSync(dir, { recursive: true, force: true }));
let registry;
let sanity;
const results = [];
try {
  registry = await startRegistry(dir);
  const layout = writeOciLayout(join(dir, 'layout'), '1');
  const digests = await pushAll(dir, layout, Array.from({ length: Math.max(...ns) }, (_, i) => `${registry.host}/team/app-${i + 1}:1`));
  progressDone(`registry ${registry.host} (docker-registry ${registry.version}): pushed ${digests.length} images`);
  sanity = await wrongPassword(registry);
  progressDone(`wrong password: ${sanity}`);
  for (const n of ns) results.push(await measure(registry, digests, n));
} finally {
  progressDone();
  await undoAll();
}
const loadAfter = loadavg();

const doc = {
  cli,
  node: process.version,
  registry: { version: registry.version, auth: 'htpasswd (bcrypt)', tls: 'self-signed, NODE_EXTRA_CA_CERTS on both sides' },
  machine: { cpus: cpus().length, loadBefore, loadAfter },
  seconds: (performance.now() - started) / 1000,
  sanity,
  results,
};
if (opts.out) writeFileSync(opts.out, JSON.stringify(doc, null, 2) + '\n');

const f = (x, d = 0) => x.toFixed(d);
const both = (r, key, d = 0) => `${f(median(r.hook[key]), d)} / ${f(median(r.verify[key]), d)}`;
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const load = (l) => l.map((x) => f(x, 2)).join(' ');
console.log(`registry probe benchmark: A = node ${cli.startsWith(ROOT) ? cli.slice(ROOT.length) : cli} hook (install), B = the same --verify; node ${process.version}, ${cpus().length} CPUs`);
console.log(`docker-registry ${registry.version} on 127.0.0.1, TLS (self-signed, NODE_EXTRA_CA_CERTS for A and B) and htpasswd (Basic) auth`);
console.log(`load average ${load(loadBefore)} before, ${load(loadAfter)} after; medians of paired runs (A / B), of B − A and B / A per pair, q1–q3 of B / A;`);
console.log('registry CPU: its mean per run, not in the hook\'s CPU ms\n');
console.log(
  table(
    ['N', 'pairs', 'wall ms A / B', 'added ms', 'B / A', '(q1–q3)', 'CPU ms A / B', 'added CPU ms', 'RSS MB A / B', 'registry CPU ms A / B'],
    results.map((r) => [
      String(r.n),
      String(r.pairs),
      both(r, 'wallMs'),
      f(median(r.added.wallMs)),
      f(median(r.ratio.wall), 2),
      `${f(quantile(r.ratio.wall, 0.25), 2)}–${f(quantile(r.ratio.wall, 0.75), 2)}`,
      both(r, 'cpuMs'),
      f(median(r.added.cpuMs)),
      both(r, 'rssMb', 1),
      `${f(mean(r.hook.registryCpuMs))} / ${f(mean(r.verify.registryCpuMs))}`,
    ]),
  ),
);
console.log(`\nwrong password (--verify): ${sanity}`);
const warnings = results.flatMap((r) => r.warnings.map((w) => `N=${r.n}: ${w.split('\n')[0]}`));
if (warnings.length > 0) console.log('\nstderr of some hooks:\n' + [...new Set(warnings)].slice(0, 10).join('\n'));
console.log(`\n(${f(doc.seconds)} s)`);
