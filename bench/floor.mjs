// The floor of an install hook (issue 15): only what such a hook must do with the hook tools, through
// node:child_process and nothing else: `status-set maintenance`, `resource-get image-1` … `image-N`
// with CONCURRENCY calls in flight (each one's stdout read as the path), `status-set active`.
// No file read, no parsing, no state. Exits 1 if a tool fails.
//
//   node bench/floor.mjs N [CONCURRENCY]     # CONCURRENCY defaults to N (all in flight)
import { spawn } from 'node:child_process';

const n = Number(process.argv[2] ?? 1);
const concurrency = Math.max(1, Number(process.argv[3] ?? n));

/** Runs one tool; resolves with its stdout when it exits 0. */
function tool(file, args, read) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', read ? 'pipe' : 'ignore', 'inherit'] });
    let out = '';
    if (read) child.stdout.setEncoding('utf8').on('data', (s) => (out += s));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${file} exited ${code}`))));
  });
}

await tool('status-set', ['maintenance', '--', 'fetching resources'], false);
let next = 1;
const paths = [];
async function worker() {
  while (next <= n) {
    const i = next++;
    paths.push(await tool('resource-get', [`image-${i}`], true));
  }
}
await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
await tool('status-set', ['active', '--', ''], false);
if (paths.length !== n) process.exit(1);
