// Runs commands one at a time and measures each with its whole process tree: wall time, CPU time
// (user + sys of the command and every descendant it waited for) and peak RSS, through one
// long-lived bench/tree-usage.py (wait4(2); Node itself cannot read a child's rusage).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const HELPER = fileURLToPath(new URL('tree-usage.py', import.meta.url));

/**
 * Starts the stopwatch. `run(argv, { env, cwd })` resolves with
 * `{ wallMs, cpuMs, userMs, sysMs, rssMb, exitCode, signal, stdout, stderr }`; `close()` ends it.
 */
export function startStopwatch(python = process.env['BENCH_PYTHON'] ?? 'python3') {
  const dir = mkdtempSync(join(tmpdir(), 'docker-resource-stopwatch-'));
  const helper = spawn(python, [HELPER], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = [];
  let failure;
  helper.on('error', (error) => {
    failure = new Error(`bench needs python3 for its stopwatch (${python}: ${error.message}); set BENCH_PYTHON to another one`);
    for (const w of waiting.splice(0)) w.reject(failure);
  });
  helper.on('exit', (code) => {
    failure ??= new Error(`the stopwatch (${HELPER}) exited with ${code}`);
    for (const w of waiting.splice(0)) w.reject(failure);
  });
  createInterface({ input: helper.stdout }).on('line', (line) => waiting.shift()?.resolve(JSON.parse(line)));

  const stdout = join(dir, 'stdout');
  const stderr = join(dir, 'stderr');
  return {
    async run(argv, { env, cwd }) {
      if (failure) throw failure;
      const answer = new Promise((resolve, reject) => waiting.push({ resolve, reject }));
      helper.stdin.write(JSON.stringify({ argv, env, cwd, stdout, stderr }) + '\n');
      const a = await answer;
      return {
        wallMs: a.wallMs,
        cpuMs: a.userMs + a.sysMs,
        userMs: a.userMs,
        sysMs: a.sysMs,
        rssMb: a.maxRssKb / 1024,
        exitCode: a.exitCode,
        signal: a.signal,
        stdout: readFileSync(stdout, 'utf8'),
        stderr: readFileSync(stderr, 'utf8'),
      };
    },
    close() {
      helper.removeAllListeners('exit');
      helper.stdin.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
