// The ways of running one hook tool that bench/spawn-cost.mjs compares. Each is a runner as
// src/hook-tools.ts's Runner: (file, args, env) → { stdout, stderr, exitCode }, output kept as text
// (at most CAP characters per stream where the runner reads the streams itself).
import { execFile, spawn } from 'node:child_process';

/** The most characters a runner that reads the streams itself keeps of each. */
export const CAP = 1024 * 1024;

/** Collects a readable stream as text, up to CAP characters. */
function collect(stream) {
  const box = { text: '' };
  stream.setEncoding('utf8');
  stream.on('data', (s) => {
    if (box.text.length < CAP) box.text += s.slice(0, CAP - box.text.length);
  });
  return box;
}

/** node:child_process.spawn, both streams read through setEncoding + data listeners. */
function nodeSpawn(file, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = collect(child.stdout);
    const err = collect(child.stderr);
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ stdout: out.text, stderr: err.text, exitCode }));
  });
}

/** node:child_process.execFile. */
function nodeExecFile(file, args, env) {
  return new Promise((resolve) => {
    execFile(file, args, { env, maxBuffer: CAP }, (error, stdout, stderr) =>
      resolve({ stdout, stderr, exitCode: error ? (typeof error.code === 'number' ? error.code : -1) : 0 }),
    );
  });
}

/**
 * execa with the options of src/hook-tools.ts's defaultRunner for resource-get (a cancelSignal per
 * call, the whole environment passed with extendEnv: false), plus `extra`.
 */
function execaRunner(execa, extra = {}, { signal = true } = {}) {
  return async (file, args, env) => {
    const options = { reject: false, stdin: 'ignore', stripFinalNewline: false, env, extendEnv: false, ...extra };
    if (signal) options.cancelSignal = new AbortController().signal;
    const result = await execa(file, args, options);
    if (result.exitCode === undefined) throw result;
    const text = (x) => (typeof x === 'string' ? x : x === undefined ? '' : Buffer.from(x).toString('utf8'));
    return { stdout: text(result.stdout), stderr: text(result.stderr), exitCode: result.exitCode };
  };
}

/** execa with `buffer: false`: the streams are read through setEncoding + data listeners (capped). */
function execaStreaming(execa, extra = {}) {
  return async (file, args, env) => {
    const options = { reject: false, stdin: 'ignore', buffer: false, env, extendEnv: false, ...extra };
    options.cancelSignal = new AbortController().signal;
    const subprocess = execa(file, args, options);
    const out = subprocess.stdout ? collect(subprocess.stdout) : { text: '' };
    const err = subprocess.stderr ? collect(subprocess.stderr) : { text: '' };
    const result = await subprocess;
    if (result.exitCode === undefined) throw result;
    return { stdout: out.text, stderr: err.text, exitCode: result.exitCode };
  };
}

/** Every variant by name, given execa's `execa` function. */
export function variants(execa) {
  return {
    spawn: () => nodeSpawn,
    execFile: () => nodeExecFile,
    'execa current': () => execaRunner(execa),
    'execa, no cancelSignal': () => execaRunner(execa, {}, { signal: false }),
    'execa + cleanup: false': () => execaRunner(execa, { cleanup: false }),
    'execa + encoding: buffer': () => execaRunner(execa, { encoding: 'buffer' }),
    'execa + all: true': () => execaRunner(execa, { all: true }),
    'execa + stdout: ignore': () => execaRunner(execa, { stdout: 'ignore' }),
    'execa + detached: true': () => execaRunner(execa, { detached: true }),
    'execa buffer: false': () => execaStreaming(execa),
    'execa buffer: false, cleanup: false': () => execaStreaming(execa, { cleanup: false }),
    'execa buffer: false, cleanup: false, detached': () => execaStreaming(execa, { cleanup: false, detached: true }),
  };
}
