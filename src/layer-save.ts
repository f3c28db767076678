/** Writes the layer's state at the end of a hook: the resources' snapshots, the history, the status. */
import type { SaveInput } from '../machines/layer.machine.js';
import type { CharmCache } from './charm.js';
import type { LayerState, PersistedResource } from './layer-state.js';
import { writeHistoryFile } from './history-file.js';
import { writeStateFile } from './state-file.js';
import type { TransitionLog } from './transition-log.js';

/** What the save needs besides the machine's input. */
export interface SaveContext {
  stateFile: string;
  /** Each resource's settled snapshot, read from its actor. */
  resources: ReadonlyMap<string, PersistedResource>;
  log: TransitionLog;
  charm: CharmCache | undefined;
  /** Says loudly that the state could not be written. */
  onError: (message: string) => void;
}

/**
 * The state document for `input.names` (a resource no longer in the metadata is dropped), written
 * atomically. A write that fails is reported, not thrown: the hook ends well and the next one
 * starts from the last saved state and redoes the work. Resolves with whether it wrote.
 */
export async function saveLayerState(input: SaveInput, ctx: SaveContext): Promise<boolean> {
  const resources: Record<string, PersistedResource> = {};
  for (const name of input.names) {
    const snapshot = ctx.resources.get(name);
    if (snapshot && (snapshot.value !== 'idle' || snapshot.context.requested)) resources[name] = snapshot;
  }
  // The state file holds all but the history (which goes to a file of its own); writeStateFile stamps the version.
  const state: Omit<LayerState, 'version' | 'history'> = {
    autoFetched: input.autoFetched,
    status: input.status,
    charmStatus: input.charmStatus,
    resources,
    ...(ctx.charm ? { charm: ctx.charm } : {}),
  };
  try {
    // The history first: a hook killed between the two writes leaves its record, and redoes its work.
    await writeHistoryFile(ctx.stateFile, { history: ctx.log.historiesOf(input.names), hooks: ctx.log.hooksToSave() });
    await writeStateFile(ctx.stateFile, state);
    return true;
  } catch (error) {
    ctx.onError(`cannot save the state, the next hook will redo this one's work: ${(error as Error).message}`);
    return false;
  }
}
