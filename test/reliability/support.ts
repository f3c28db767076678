/** Shared helpers of the reliability suite: run the real CLI, make charms, record the figures for docs/RELIABILITY.md. */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeJuju } from '../fixtures/fake-juju.js';

/** The built CLI (`npm test` builds it before jest runs). */
export const CLI = fileURLToPath(new URL('../../dist/bundle/docker-resource.js', import.meta.url));

/** The password that every secret test plants; it must never show up anywhere. */
export const SECRET = 'S3NT1NEL-pa55w0rd-do-not-leak';

/** An oci-image resource file as Juju writes it, with the sentinel password. */
export const imageYaml = (tag: string, password = SECRET): string =>
  `registrypath: registry.example/app:${tag}\nusername: bot\npassword: ${password}\n`;

/** metadata.yaml declaring these oci-image resources (all auto-fetched unless listed in `manual`). */
export function metadataYaml(names: readonly string[], manual: readonly string[] = []): string {
  const lines = ['name: reliability-charm', 'resources:'];
  for (const n of names) lines.push(`  ${n}:`, '    type: oci-image', `    auto-fetch: ${manual.includes(n) ? 'false' : 'true'}`);
  return lines.join('\n') + '\n';
}

/** A fresh charm directory with that metadata.yaml. */
export async function makeCharm(names: readonly string[], manual: readonly string[] = []): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'reliability-charm-'));
  await writeFile(join(dir, 'metadata.yaml'), metadataYaml(names, manual));
  return dir;
}

/** What a CLI process did. `signal` is set when it was killed. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link startCli}. */
export interface CliRun {
  charmDir: string;
  juju: FakeJuju;
  /** The hook name (JUJU_DISPATCH_PATH=hooks/<hook>), if any. */
  hook?: string;
  /** Extra environment (undefined removes a variable). */
  env?: Record<string, string | undefined>;
}

/** A started CLI process: its pid and a promise of its result. */
export interface StartedCli {
  pid: number;
  done: Promise<CliResult>;
  /** Sends SIGKILL to the CLI process only (its hook tools, if any, live on as orphans do). */
  kill(): void;
  /** Kills whatever is left of its process group and its hook tools (each leads a group of its own): cleanup after a test. */
  reap(): void;
}

/** Starts `node dist/bundle/docker-resource.js ...args` as a hook would run it, in its own process group. */
export function startCli(args: readonly string[], run: CliRun): StartedCli {
  const runId = `${process.pid}-${++runs}`; // inherited by its hook tools, so that reap() finds them and nothing else
  const env = run.juju.env({
    RELIABILITY_RUN_ID: runId,
    JUJU_CHARM_DIR: run.charmDir,
    JUJU_DISPATCH_PATH: run.hook ? `hooks/${run.hook}` : undefined,
    JUJU_UNIT_NAME: 'reliability-charm/0',
    ...run.env,
  });
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: run.charmDir,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so a test can reap orphaned tools by the group id
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const pid = child.pid!;
  return {
    pid,
    done,
    kill: () => void child.kill('SIGKILL'),
    reap: () => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // the group is gone already
      }
      reapTools(runId);
    },
  };
}

let runs = 0;

/** Kills every process started by one {@link startCli} run (found by its RELIABILITY_RUN_ID): hook tools and their children left behind. */
function reapTools(runId: string): void {
  const mark = `\0RELIABILITY_RUN_ID=${runId}\0`;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let environ: string;
    try {
      environ = '\0' + readFileSync(`/proc/${entry}/environ`, 'latin1');
    } catch {
      continue; // gone, or not ours to read
    }
    if (!environ.includes(mark)) continue;
    try {
      process.kill(Number(entry), 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/** Runs the CLI to the end (reaping any tool it left behind) and returns what it did. */
export async function runCli(args: readonly string[], run: CliRun): Promise<CliResult> {
  const cli = startCli(args, run);
  try {
    return await cli.done;
  } finally {
    cli.reap();
  }
}

/** Runs `tasks` with at most `limit` at once; results in order. */
export async function pool<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
}

const RESULTS_DIR = fileURLToPath(new URL('../../test-results', import.meta.url));
/** Where each reliability test appends one JSON line of figures (docs/RELIABILITY.md is filled from it). */
export const FIGURES_FILE = join(RESULTS_DIR, 'reliability.jsonl');

/** Appends this test's figures as one JSON line to {@link FIGURES_FILE} and prints them. */
export function recordFigures(test: string, figures: Record<string, number | string | Record<string, number>>): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const line = JSON.stringify({ test, at: new Date().toISOString(), ...figures });
  appendFileSync(FIGURES_FILE, line + '\n');
  if (process.env['RELIABILITY_VERBOSE']) process.stdout.write(`reliability figures: ${line}\n`);
}
