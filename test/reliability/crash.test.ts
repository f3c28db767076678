/**
 * Crash at any moment: SIGKILL the real `docker-resource hook` process at random points across fetch,
 * status and persistence. After each kill the state file parses and holds the old or the new state,
 * and the next hook (Juju's retry of the same hook, or a later update-status) reaches the right flags
 * and the right unit status.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cp, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openLayer } from '../../src/orchestrator.js';
import { isIdleHook } from '../../src/idle-hook.js';
import { statePaths } from '../../src/state-paths.js';
import { createFakeJuju, type FakeJuju } from '../fixtures/fake-juju.js';
import { imageYaml, metadataYaml, pool, recordFigures, startCli, type CliResult } from './support.js';

const TRIALS_KILLED = 200; // at least this many hook processes actually killed by SIGKILL
const MAX_TRIALS = 320; // kills that land after the process exited do not count; stop here regardless
const PARALLEL = 6;
const HOOK_ARGS = ['hook', '--retries', '0', '--quiet'];
const NAMES = ['web', 'db'];

interface Scenario {
  name: string;
  /** The hook that gets killed. */
  hook: string;
  /** Brings a fresh charm + fake Juju to the scenario's old state (in-process hooks). */
  before: (env: Env) => Promise<void>;
  /** What the fake controller serves during the killed hook. */
  during: (juju: FakeJuju) => Promise<void>;
}

interface Env {
  charmDir: string;
  juju: FakeJuju;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'install: first fetch (web attached, db missing)',
    hook: 'install',
    before: async () => undefined,
    during: async (juju) => {
      await juju.attach('web', imageYaml('1'));
      await juju.setDelay('web', 0.15);
    },
  },
  {
    name: 'upgrade-charm: both available, refetched, web changes',
    hook: 'upgrade-charm',
    before: async (env) => {
      await env.juju.attach('web', imageYaml('1'));
      await env.juju.attach('db', imageYaml('1'));
      await inProcessHook(env, 'install');
    },
    during: async (juju) => {
      await juju.attach('web', imageYaml('2'));
      await juju.setDelay('web', 0.1);
      await juju.setDelay('db', 0.05);
    },
  },
  {
    name: 'update-status: a failed resource is retried and succeeds',
    hook: 'update-status',
    before: async (env) => {
      await env.juju.attach('web', imageYaml('1'));
      await inProcessHook(env, 'install');
    },
    during: async (juju) => {
      await juju.attach('db', imageYaml('1'));
      await juju.setDelay('db', 0.1);
    },
  },
];

/** Runs one whole hook in this process, against the fake tools on PATH (the same code the CLI runs). */
async function inProcessHook(env: Env, hook: string) {
  const layer = await openLayer({
    charmDir: env.charmDir,
    env: env.juju.env({ JUJU_CHARM_DIR: env.charmDir }) as NodeJS.ProcessEnv,
    hookName: hook,
    retry: { retries: 0 },
    lockTimeoutMs: 20_000,
    onWarning: () => undefined,
  });
  return layer.runHook();
}

/** The state without what differs from run to run: transition and phase times, and the charm files' stat key. */
function normalize(text: string): string {
  const doc = JSON.parse(text) as {
    history?: Record<string, Array<{ at?: string }>>;
    hooks?: Array<{ phases?: Array<{ at?: string }> }>;
    charm?: { key?: string };
  };
  for (const list of Object.values(doc.history ?? {})) for (const e of list) delete e.at;
  for (const hook of doc.hooks ?? []) for (const p of hook.phases ?? []) delete p.at;
  if (doc.charm) delete doc.charm.key;
  return JSON.stringify(doc);
}

const stateText = (charmDir: string): Promise<string | null> =>
  readFile(statePaths(charmDir).file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });

/** A template (charm dir + fake Juju dir) in the scenario's old state, and the reference outcomes. */
interface Prepared {
  scenario: Scenario;
  template: Env;
  oldState: string | null;
  newState: string;
  /** Flags and unit status after the next hook, from the old and from the new state. */
  next: Record<'old' | 'new', Record<string, { flags: string[]; status: unknown }>>;
  /** How long one uninterrupted CLI hook took (ms), to spread the kill delays over. */
  durationMs: number;
}

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

/** A new charm dir + fake Juju, copied from a template. */
async function copyEnv(from: Env): Promise<Env> {
  const juju = await createFakeJuju();
  const charmDir = await mkdtemp(join(tmpdir(), 'crash-charm-'));
  await cp(from.charmDir, charmDir, { recursive: true });
  await cp(from.juju.dir, juju.dir, { recursive: true, force: true });
  await rm(join(juju.dir, 'calls'), { force: true });
  return { charmDir, juju };
}

async function disposeEnv(env: Env): Promise<void> {
  await env.juju.cleanup();
  await rm(env.charmDir, { recursive: true, force: true });
}

async function prepare(scenario: Scenario): Promise<Prepared> {
  const juju = await createFakeJuju();
  const charmDir = await mkdtemp(join(tmpdir(), 'crash-template-'));
  await writeFile(join(charmDir, 'metadata.yaml'), metadataYaml(NAMES));
  const template = { charmDir, juju };
  cleanups.push(() => disposeEnv(template));
  await scenario.before(template);
  await scenario.during(juju);
  await writeFile(join(juju.dir, 'status-set.delay'), '0.03');
  await rm(join(juju.dir, 'calls'), { force: true });
  const oldState = await stateText(charmDir);

  // The new state: the same hook run to the end by the real CLI (also times it).
  const full = await copyEnv(template);
  const started = Date.now();
  const cli = startCli(HOOK_ARGS, { charmDir: full.charmDir, juju: full.juju, hook: scenario.hook });
  const result = await cli.done;
  const durationMs = Date.now() - started;
  expect(result).toMatchObject({ code: 0, signal: null });
  const newState = (await stateText(full.charmDir))!;
  expect(newState).not.toBeNull();
  expect(normalize(newState)).not.toBe(oldState === null ? null : normalize(oldState));

  const next: Prepared['next'] = { old: {}, new: {} };
  for (const nextHook of [scenario.hook, 'update-status']) {
    for (const base of ['old', 'new'] as const) {
      const env = await copyEnv(base === 'old' ? template : full);
      const summary = await inProcessHook(env, nextHook);
      next[base][nextHook] = { flags: summary.flags, status: await env.juju.status() };
      await disposeEnv(env);
    }
  }
  await disposeEnv(full);
  return { scenario, template, oldState, newState, next, durationMs };
}

type Phase = 'startup' | 'fetch' | 'status' | 'persisted' | 'exited';

/** Where the hook was when it died, from the tool calls the fakes recorded and the state it left. */
function phaseOf(calls: string[][], heldNew: boolean, result: CliResult): Phase {
  if (result.signal !== 'SIGKILL') return 'exited';
  if (heldNew) return 'persisted';
  const last = calls.at(-1);
  if (!last) return 'startup';
  if (last[0] === 'resource-get' || (last[0] === 'status-set' && last[1] === 'maintenance')) return 'fetch';
  return 'status';
}

/** Waits until a recorded tool call matches; false at the deadline (the hook may have ended without one). */
async function waitForCall(juju: FakeJuju, match: (call: string[]) => boolean, deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    if ((await juju.calls()).some(match)) return true;
    await sleep(4);
  }
  return false;
}

/** The final status-set: any but the maintenance one announced before fetching. */
const isFinalStatus = (c: string[]): boolean => c[0] === 'status-set' && c[1] !== 'maintenance';

interface TrialOutcome {
  scenario: string;
  phase: Phase;
  held: 'old' | 'new';
  next: string;
  tempsLeft: number;
  /** Whether the idle short way said the next hook had nothing to do. */
  short: boolean;
}

async function trial(p: Prepared, i: number): Promise<TrialOutcome> {
  const env = await copyEnv(p.template);
  try {
    const cli = startCli(HOOK_ARGS, { charmDir: env.charmDir, juju: env.juju, hook: p.scenario.hook });
    // Where to aim: anywhere in the hook (uniformly over its duration), in the fetch window (after the
    // first tool call; resource-get sleeps 50-150 ms here), or in the status and persistence window
    // (after the final status-set is recorded; status-set sleeps 30 ms here, then the state is written).
    const deadline = Date.now() + 5 * p.durationMs + 5_000;
    const aim = (['anywhere', 'fetch', 'persist', 'anywhere'] as const)[i % 4]!;
    if (aim === 'anywhere') await sleep(Math.random() * p.durationMs * 1.1);
    else if (aim === 'fetch' && (await waitForCall(env.juju, () => true, deadline))) await sleep(Math.random() * 150);
    else if (aim === 'persist' && (await waitForCall(env.juju, isFinalStatus, deadline))) await sleep(10 + Math.random() * 35);
    cli.kill();
    const result = await cli.done;
    cli.reap(); // orphaned hook tools die too, so they cannot race the next hook

    // 1. The state file parses and holds the old or the new state, owner-only.
    const text = await stateText(env.charmDir);
    let held: 'old' | 'new';
    if (text === null) {
      expect(p.oldState).toBeNull();
      held = 'old';
    } else {
      const n = normalize(text); // throws if it does not parse
      expect(JSON.parse(text)).toMatchObject({ version: 1 });
      expect([p.oldState === null ? null : normalize(p.oldState), normalize(p.newState)]).toContain(n);
      held = n === normalize(p.newState) ? 'new' : 'old';
      expect((await stat(statePaths(env.charmDir).file)).mode & 0o777).toBe(0o600);
    }
    const bak = await readFile(statePaths(env.charmDir).backup, 'utf8').catch(() => null);
    if (bak !== null) expect(JSON.parse(bak)).toMatchObject({ version: 1 });
    const dir = statePaths(env.charmDir).dir;
    const tempsLeft = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.tmp')).length;
    const phase = phaseOf(await env.juju.calls(), held === 'new' && p.oldState !== p.newState, result);

    // 2. The next hook (it breaks the dead process's lock) reaches the right flags and unit status; if the
    // idle short way said it had nothing to do, it did nothing.
    const nextHook = i % 2 === 0 ? p.scenario.hook : 'update-status';
    const short = isIdleHook(['hook'], { ...env.juju.env({ JUJU_CHARM_DIR: env.charmDir }), JUJU_DISPATCH_PATH: `hooks/${nextHook}` }, env.charmDir);
    const callsBefore = (await env.juju.calls()).length;
    const summary = await inProcessHook(env, nextHook);
    if (short) expect({ trial: i, calls: (await env.juju.calls()).length - callsBefore, wrote: summary.wroteState }).toEqual({ trial: i, calls: 0, wrote: false });
    const want = p.next[held][nextHook]!;
    expect({ trial: i, phase, held, nextHook, flags: summary.flags }).toEqual({ trial: i, phase, held, nextHook, flags: want.flags });
    expect({ trial: i, phase, held, nextHook, status: await env.juju.status() }).toEqual({
      trial: i,
      phase,
      held,
      nextHook,
      status: want.status,
    });
    return { scenario: p.scenario.name, phase, held, next: nextHook, tempsLeft, short };
  } finally {
    await disposeEnv(env);
  }
}

describe('crash at any moment (SIGKILL of the real CLI hook)', () => {
  let prepared: Prepared[];
  beforeAll(async () => {
    prepared = [];
    for (const s of SCENARIOS) prepared.push(await prepare(s));
  }, 60_000);

  it(`survives at least ${TRIALS_KILLED} kills across fetch, status and persistence`, async () => {
    const outcomes: TrialOutcome[] = [];
    const failures: string[] = []; // trials whose state, flags or status were wrong: counted, then asserted on
    let started = 0;
    const killed = () => outcomes.filter((o) => o.phase !== 'exited').length;
    await pool(PARALLEL, PARALLEL, async () => {
      while (killed() < TRIALS_KILLED && started < MAX_TRIALS && failures.length < 10) {
        const i = started++;
        try {
          outcomes.push(await trial(prepared[i % prepared.length]!, i));
        } catch (error) {
          failures.push(`trial ${i}: ${(error as Error).message}`);
        }
      }
    });
    const count = <K extends keyof TrialOutcome>(key: K) =>
      outcomes.reduce<Record<string, number>>((acc, o) => ((acc[String(o[key])] = (acc[String(o[key])] ?? 0) + 1), acc), {});
    const phases = count('phase');
    recordFigures('crash', {
      trials: outcomes.length,
      killed: killed(),
      exitedBeforeKill: phases['exited'] ?? 0,
      phases,
      heldOld: count('held')['old'] ?? 0,
      heldNew: count('held')['new'] ?? 0,
      nextHooks: count('next'),
      leftoverTempFiles: outcomes.reduce((n, o) => n + o.tempsLeft, 0),
      idleShortWaySaidNothingToDo: outcomes.filter((o) => o.short).length,
      survived: killed(),
      failures: failures.length,
    });
    expect(failures).toEqual([]);
    expect(killed()).toBeGreaterThanOrEqual(TRIALS_KILLED);
    // every part of the hook was hit
    for (const phase of ['startup', 'fetch', 'status', 'persisted'] as const) expect(phases[phase] ?? 0).toBeGreaterThan(0);
  }, 180_000);
});

describe('a hook killed after it set a status', () => {
  it('the next hook (even an idle update-status) replaces the status the killed hook left', async () => {
    const env: Env = { charmDir: await mkdtemp(join(tmpdir(), 'crash-status-')), juju: await createFakeJuju() };
    try {
      await writeFile(join(env.charmDir, 'metadata.yaml'), metadataYaml(NAMES));
      await env.juju.attach('web', imageYaml('1'));
      await env.juju.attach('db', imageYaml('1'));
      await inProcessHook(env, 'install');
      expect(await env.juju.status()).toEqual({ state: 'active', message: '' });
      await env.juju.hang('web'); // upgrade-charm cannot finish: it is killed while fetching
      const cli = startCli(HOOK_ARGS, { charmDir: env.charmDir, juju: env.juju, hook: 'upgrade-charm' });
      while ((await env.juju.status())?.state !== 'maintenance') await sleep(5);
      cli.kill();
      expect((await cli.done).signal).toBe('SIGKILL');
      cli.reap();
      expect(await env.juju.status()).toEqual({ state: 'maintenance', message: 'fetching resources: web, db' });

      await env.juju.detach('web');
      await env.juju.attach('web', imageYaml('1'));
      const before = (await env.juju.calls()).length;
      const summary = await inProcessHook(env, 'update-status');
      expect(summary.flags).toContain('layer.docker-resource.web.available');
      expect(await env.juju.status()).toEqual({ state: 'active', message: '' });
      const calls = (await env.juju.calls()).slice(before);
      expect(calls).toContainEqual(['juju-log', '-l', 'WARNING', '--', expect.stringMatching(/previous hook was killed/)]);
      // and only once: the hook after that is idle again
      const after = (await env.juju.calls()).length;
      await inProcessHook(env, 'update-status');
      expect((await env.juju.calls()).slice(after)).toEqual([]);
    } finally {
      await disposeEnv(env);
    }
  }, 30_000);
});
