/**
 * The layer actor of each recorded hook, for a replay: the hook cycle's machine (its definition),
 * and the phases the hook went through with their times, each reached by the machine's own event.
 * Plugs into {@link resourceReplayActors} as its `hookActor`, so resource events name it as origin.
 */
import { layerMachine } from '../../machines/layer.machine.js';
import { machineTransitions, type MachineTransition } from '../graph.js';
import type { HookRecord } from '../layer-state.js';
import type { HookRun } from './hook-runs.js';
import type { RecordedActor, RecordedActorStep } from './replay-events.js';

/** The layer machine's transitions, read from its definition on first use. */
let layerTransitions: MachineTransition[] | undefined;

/** The event that takes the layer machine from one top-level state to another, in XState's own terms. */
function eventBetween(from: string, to: string): { type: string } {
  layerTransitions ??= machineTransitions(layerMachine);
  const t = layerTransitions.find((e) => e.from.split('.')[0] === from && e.to.split('.')[0] === to);
  // An eventless transition is taken in the same step as the event before it.
  return { type: t === undefined || t.eventType === '' ? 'xstate.eventless' : t.eventType };
}

const snapshotAt = (state: string) => ({ status: state === 'done' || state === 'aborted' ? ('done' as const) : ('active' as const), value: state, context: {} });

/** The recorded hook a run of resource steps happened in: same hook name, and the run starts within its phases. */
function recordOf(run: HookRun, records: readonly HookRecord[]): HookRecord | undefined {
  return records.find((r) => r.hook === run.hook && Date.parse(r.phases[0]!.at) <= run.start && run.start <= Date.parse(r.phases.at(-1)!.at));
}

/**
 * A `hookActor` for {@link resourceReplayActors}: a run that a recorded hook covers becomes that
 * hook's layer actor (the layer machine, stepping through its phases); other runs (older than the
 * hooks kept) stay plain source actors.
 */
export function layerHookActors(records: readonly HookRecord[]): (run: HookRun, base: RecordedActor) => RecordedActor {
  return (run, base) => {
    const record = recordOf(run, records);
    if (!record) return base;
    const [first, ...rest] = record.phases;
    const steps: RecordedActorStep[] = [];
    let from = first!.state;
    for (const phase of rest) {
      steps.push({ at: Date.parse(phase.at), event: eventBetween(from, phase.state), snapshot: snapshotAt(phase.state) });
      from = phase.state;
    }
    if (from === 'committing') {
      const end = Date.parse(record.phases.at(-1)!.at);
      steps.push({ at: end, event: { type: 'xstate.done.actor.save' }, snapshot: snapshotAt('done') });
    }
    return {
      ...base,
      // Named after its hook and when the hook began (the base names the run's first resource step).
      name: base.name.replace(/ \S+$/, ` ${first!.at}`),
      definition: layerMachine.config,
      createdAt: Math.min(base.createdAt, Date.parse(first!.at)),
      input: { hook: record.hook },
      initial: snapshotAt(first!.state),
      steps,
    };
  };
}
