// The package floor of an install hook (issue 15): bench/floor.mjs's work — `status-set`, N ×
// `resource-get` with CONCURRENCY calls in flight, `status-set` — done as the hook must do it with the
// packages it was given: execa, XState and js-yaml loaded from the built bundle's files with their code
// caches, as the bin loads them (XState and js-yaml loaded, not used), and every call through execa with
// the hook's options (src/hook-tools.ts: `reject: false`, `stdin: 'ignore'`, `buffer: false` with
// bounded `data` listeners, `detached: true` and its process group killed when it exits, a time limit,
// and an abort signal). No file read, no parsing, no state, no machine. What is between bench/floor.mjs
// and this is the packages'.
//
// With --machines, the shape floor: the same, with each resource-get made as the shape the project was
// given requires it ("each resource gets an XState machine: idle → fetching → available | failed"): one
// machine per resource, its fetch an invoked promise actor, and one subscriber that hears when it
// settles. Nothing more: no parent machine, no guard, no time limit, no flags, status or state. What is
// between the package floor and this is what that shape costs in XState; what is left between this and
// the hook is the hook's own work.
// CommonJS, like the bin. Exits 1 if a tool fails or a resource-get prints nothing.
//
//   node bench/floor-packages.cjs N [CONCURRENCY] [BUNDLE_DIR] [--machines]   # defaults: N in flight, dist/bundle
'use strict';
const fs = require('fs');
const path = require('path');
const { Script } = require('vm');
const { wrap } = require('module');

const machines = process.argv.includes('--machines');
const [, , ...args] = process.argv.filter((a) => a !== '--machines');
const n = Number(args[0] ?? 1);
const concurrency = Math.max(1, Number(args[1] ?? n));
const bundle = path.resolve(args[2] ?? path.join(__dirname, '..', 'dist', 'bundle'));

/** Compiles one file of the bundle with its code cache, when there is one, as scripts/cli-loader.js does. */
function load(name) {
  const file = path.join(bundle, `${name}.cjs`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(`${file}.cache`);
  } catch {
    // no cache: compiled from source
  }
  const script = new Script(wrap(fs.readFileSync(file, 'utf8')), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const m = { exports: {} };
  script.runInThisContext()(m.exports, require, m, file, bundle);
  return m.exports;
}

const { execa } = load('execa');
const xstate = load('xstate');
load('js-yaml');

/** Runs one tool as the hook's runner does; resolves with its stdout when it exits 0. */
async function tool(file, args) {
  const abort = new AbortController();
  const subprocess = execa(file, args, { reject: false, stdin: 'ignore', buffer: false, detached: true, timeout: 300_000, cancelSignal: abort.signal });
  let out = '';
  let err = '';
  subprocess.stdout.setEncoding('utf8').on('data', (s) => (out.length < 65536 ? (out += s) : undefined));
  subprocess.stderr.setEncoding('utf8').on('data', (s) => (err.length < 65536 ? (err += s) : undefined));
  const { pid } = subprocess;
  subprocess.once('exit', () => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // the group is gone
    }
  });
  const result = await subprocess;
  if (result.exitCode !== 0) throw new Error(`${file} exited ${result.exitCode}: ${err}`);
  return out;
}

/** Makes the N resource-get calls through `get`, CONCURRENCY in flight; resolves with how many printed a path. */
async function getAll(get) {
  let next = 1;
  let fetched = 0;
  const worker = async () => {
    while (next <= n) {
      const i = next++;
      if (await get(`image-${i}`)) fetched++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return fetched;
}

/** The resource machine of the shape floor (--machines): its fetch is the call, its context the name and the path printed. */
function resourceMachine() {
  const { setup, fromPromise, assign } = xstate;
  return setup({ actors: { fetch: fromPromise(({ input }) => tool('resource-get', [input.name])) } }).createMachine({
    context: ({ input }) => ({ name: input.name, path: null }),
    initial: 'idle',
    states: {
      idle: { on: { fetch: 'fetching' } },
      fetching: {
        invoke: {
          src: 'fetch',
          input: ({ context }) => ({ name: context.name }),
          onDone: { target: 'available', actions: assign({ path: ({ event }) => event.output }) },
          onError: 'failed',
        },
      },
      available: {},
      failed: {},
    },
  });
}

/** One resource through its machine: started, sent `fetch`, and watched until it settles; resolves with the path. */
function throughMachine(machine, name) {
  return new Promise((resolve) => {
    const actor = xstate.createActor(machine, { input: { name } });
    actor.subscribe((s) => {
      if (s.value === 'available' || s.value === 'failed') resolve(s.context.path);
    });
    actor.start();
    actor.send({ type: 'fetch' });
  });
}

async function main() {
  await tool('status-set', ['maintenance', '--', 'fetching resources']);
  const machine = machines ? resourceMachine() : null;
  const fetched = await getAll((name) => (machine ? throughMachine(machine, name) : tool('resource-get', [name])));
  await tool('status-set', ['active', '--', '']);
  if (fetched !== n) process.exit(1);
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
