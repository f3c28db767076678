/**
 * The lifecycle report's model: a pure function of the saved layer state, the charm's
 * resources, the flags and the unit status. Credentials are redacted and scrubbed here, once,
 * so that every view built from the model (HTML, replay) starts from safe data.
 */
import type { ResourceState } from '../../machines/resource.machine.js';
import type { Edge } from '../graph.js';
import { redactImageFields, type ImageFields } from '../image-info.js';
import type { LayerState } from '../layer-state.js';
import { redact } from '../redact.js';
import type { ResourceView } from '../resource-view.js';
import type { Status } from '../status.js';
import { cap } from '../text.js';
import { readSteps, type Step } from './history.js';
import { groupHookRuns, type HookRun } from './hook-runs.js';
import { createScrubber, scrubDeep, secretValues, type Scrubber } from './scrub.js';
import { own } from '../own.js';

/** The machine a diagram is drawn from: its states, initial state and edges. */
export interface ReportMachine {
  id: string;
  initial: string;
  states: string[];
  edges: Edge[];
}

/** A state in a lane: a machine state, or `unrecorded` before a history that does not start at `idle`. */
export type LaneState = ResourceState | 'unrecorded';

/** One stretch of a lane inside a hook run: the state, and the step that entered it there (none for the state the run began in). */
export interface Segment {
  state: LaneState;
  step?: Step;
}

/** One resource's context as the report shows it: credentials redacted. */
export interface ReportContext {
  requested: boolean;
  changed: boolean;
  attempts: number;
  failuresInARow: number;
  digest: string | null;
  failure: { kind: string; reason: string } | null;
  image: Record<string, string> | null;
}

/** One resource in the report. */
export interface ResourceReport {
  name: string;
  state: ResourceState;
  context: ReportContext;
  /** Its recorded steps, oldest first. */
  steps: Step[];
  /** Its lane: for each hook run (same order as {@link ReportModel.hooks}), the states it went through. */
  lane: Segment[][];
  /** How often each edge (`from`, `to`) was taken in the recorded history. */
  taken: Array<{ from: string; to: string; count: number }>;
}

/** Everything the lifecycle page shows. */
export interface ReportModel {
  title: string;
  generatedAt: string;
  /** The status the layer last set, and whose message it was (`null`: none set yet). */
  status: (Status & { owner: 'layer' | 'charm' }) | null;
  flags: string[];
  machine: ReportMachine;
  /** The hook runs that changed something, oldest first. */
  hooks: Array<HookRun & { at: string }>;
  resources: ResourceReport[];
  warnings: string[];
}

/** What {@link buildReportModel} reads. */
export interface ReportInput {
  /** A name for the page (e.g. the charm directory's name). */
  title: string;
  state: LayerState;
  /** The charm's resources with their current state (`readLayerSnapshot().resources`). */
  resources: readonly ResourceView[];
  flags: readonly string[];
  machine: ReportMachine;
  generatedAt: Date;
  warnings?: readonly string[];
}

/** The image fields with credentials redacted, every value a bounded, scrubbed string. */
function safeImage(image: ImageFields | null, scrub: Scrubber): Record<string, string> | null {
  if (image === null || typeof image !== 'object') return null;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(redact(redactImageFields(image))))
    if (typeof value === 'string') out[scrub(cap(key, 100))] = scrub(cap(value, 1024));
  return out;
}

function safeContext(view: ResourceView, scrub: Scrubber): ReportContext {
  const c = view.context;
  const failure = c.failure && typeof c.failure.reason === 'string' ? c.failure : null;
  return {
    requested: c.requested === true,
    changed: c.changed === true,
    attempts: Number.isSafeInteger(c.attempts) ? c.attempts : 0,
    failuresInARow: Number.isSafeInteger(c.failuresInARow) ? c.failuresInARow : 0,
    digest: typeof c.digest === 'string' ? scrub(cap(c.digest, 200)) : null,
    failure: failure ? { kind: scrub(cap(String(failure.kind), 40)), reason: scrub(cap(failure.reason, 1024)) } : null,
    image: safeImage(c.image, scrub),
  };
}

/** The lane of one resource across the hook runs. */
function laneOf(steps: readonly Step[], runOf: readonly number[], runs: number, now: ResourceState): Segment[][] {
  const first = steps[0];
  let state: LaneState = first ? (first.from === 'idle' ? 'idle' : 'unrecorded') : now === 'idle' ? 'idle' : 'unrecorded';
  const lane: Segment[][] = Array.from({ length: runs }, () => []);
  let next = 0;
  for (let run = 0; run < runs; run++) {
    const cell = lane[run]!;
    cell.push({ state });
    for (; next < steps.length && runOf[next] === run; next++) {
      const step = steps[next]!;
      cell.push({ state: step.to, step });
      state = step.to;
    }
  }
  return lane;
}

function takenEdges(steps: readonly Step[]): ResourceReport['taken'] {
  const counts = new Map<string, { from: string; to: string; count: number }>();
  for (const { from, to } of steps) {
    const key = `${from}>${to}`;
    const seen = counts.get(key);
    if (seen) seen.count++;
    else counts.set(key, { from, to, count: 1 });
  }
  return [...counts.values()];
}

/** Builds the report model: redacted, scrubbed, bounded; a pure function of its input. */
export function buildReportModel(input: ReportInput): ReportModel {
  const warnings = [...(input.warnings ?? [])];
  const scrub = createScrubber(secretValues(input.state));
  const histories = new Map<string, Step[]>();
  for (const { name } of input.resources) {
    const raw = own(input.state.history, name);
    histories.set(name, scrubDeep(readSteps(name, raw, warnings), scrub));
  }
  const { runs, runOf } = groupHookRuns(histories);
  const status = input.state.status;
  return {
    title: scrub(cap(input.title, 200)),
    generatedAt: input.generatedAt.toISOString(),
    status: status ? { state: status.state, message: scrub(cap(status.message, 1024)), owner: status.owner } : null,
    flags: input.flags.map((f) => scrub(cap(f, 300))),
    machine: input.machine,
    hooks: runs.map((r) => ({ ...r, at: new Date(r.start).toISOString() })),
    resources: input.resources.map((view) => {
      const steps = histories.get(view.name)!;
      return {
        name: scrub(cap(view.name, 200)),
        state: view.state,
        context: safeContext(view, scrub),
        steps,
        lane: laneOf(steps, runOf.get(view.name)!, runs.length, view.state),
        taken: takenEdges(steps),
      };
    }),
    warnings: warnings.map((w) => scrub(cap(w, 1024))),
  };
}
