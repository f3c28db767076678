/**
 * Groups the recorded steps of all resources into the hook runs they happened in. The history
 * holds a hook's name, not which run of it, so runs are told apart by what a single hook run
 * cannot do: change hook name, start the same resource twice, or start a resource long after
 * the run's fetches settled.
 */
import type { Step } from './history.js';

/** One hook run, as the history shows it: only runs that changed something are recorded. */
export interface HookRun {
  /** Its position in time, from 0. */
  index: number;
  hook: string | null;
  /** When its first recorded step happened (ms since the epoch). */
  start: number;
  /** When its last recorded step happened (ms since the epoch). */
  end: number;
}

/** The hook runs, and for each resource the run of each of its steps (same order as its steps). */
export interface HookRuns {
  runs: HookRun[];
  runOf: Map<string, number[]>;
}

/** A start that comes this long after the run's last step begins another run (Juju's shortest update-status interval is 1 minute). */
export const NEW_RUN_GAP_MS = 30_000;

const isStart = (step: Step) => step.to === 'fetching' && step.from !== 'fetching';

/** Groups the steps of every resource (names in display order) into hook runs, oldest first. */
export function groupHookRuns(histories: ReadonlyMap<string, readonly Step[]>): HookRuns {
  const all: Array<{ name: string; index: number; step: Step }> = [];
  for (const [name, steps] of histories) steps.forEach((step, index) => all.push({ name, index, step }));
  // Stable: steps at the same time keep resource order, then recorded order.
  all.sort((a, b) => a.step.time - b.step.time);

  const runs: HookRun[] = [];
  const runOf = new Map<string, number[]>();
  for (const name of histories.keys()) runOf.set(name, []);
  let started = new Set<string>();
  let settled = false;
  for (const { name, index, step } of all) {
    const run = runs.at(-1);
    const fresh =
      !run ||
      run.hook !== step.hook ||
      (isStart(step) && (started.has(name) || (settled && step.time - run.end > NEW_RUN_GAP_MS)));
    if (fresh) {
      runs.push({ index: runs.length, hook: step.hook, start: step.time, end: step.time });
      started = new Set();
      settled = false;
    } else run.end = Math.max(run.end, step.time);
    if (isStart(step)) started.add(name);
    if (step.from === 'fetching') settled = true;
    runOf.get(name)![index] = runs.length - 1;
  }
  return { runs, runOf };
}
