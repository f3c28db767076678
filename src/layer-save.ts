/** Writes the layer's state at the end of a hook: the resources' snapshots, the history, the status, the idle summary. */
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { hasNothingToDo, initialLayerContext } from '../machines/layer.context.js';
import type { SaveInput } from '../machines/layer.machine.js';
import type { CharmCache } from './charm.js';
import { FLAG_SETS, flagKey, formatIdleSummary } from './idle-summary.js';
import { toLayerState, type LayerState, type PersistedResource } from './layer-state.js';
import { writeHistoryFile } from './history-file.js';
import { writeStateFile, type WrittenState } from './state-file.js';
import { idleSummaryPath } from './state-paths.js';
import { uniqueId } from './unique-id.js';
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
    // The idle summary goes first and comes back last: no moment holds a new state with an old summary.
    await unlink(idleSummaryPath(ctx.stateFile)).catch(() => undefined);
    // The history first: a hook killed between the two writes leaves its record, and redoes its work.
    await writeHistoryFile(ctx.stateFile, { history: ctx.log.historiesOf(input.names), hooks: ctx.log.hooksToSave() });
    const written = await writeStateFile(ctx.stateFile, state);
    await writeIdleSummary(ctx.stateFile, written, ctx.charm);
    return true;
  } catch (error) {
    ctx.onError(`cannot save the state, the next hook will redo this one's work: ${(error as Error).message}`);
    return false;
  }
}

/**
 * The `hook` flags (src/idle-summary.ts) under which the next hook other than upgrade-charm, starting from
 * the state `text` and these charm files, has nothing to do: what src/layer-open.ts and the facade would
 * find, from the state as they would read it back.
 */
export function idleFlagKeys(text: string, charm: CharmCache): string[] {
  const warnings: string[] = [];
  const state = toLayerState(JSON.parse(text), warnings);
  const declared = new Set(charm.resources.map((r) => r.name));
  if (warnings.length > 0 || Object.keys(state.resources).some((name) => !declared.has(name))) return [];
  return FLAG_SETS.filter((flags) =>
    hasNothingToDo(
      initialLayerContext({
        hook: null,
        resources: charm.resources,
        state,
        concurrency: 1,
        // As `docker-resource hook` passes its flags to openLayer.
        setStatus: flags.includes('no-status') ? false : (charm.setStatus ?? true),
        verify: flags.includes('verify') ? true : (charm.verify ?? false),
        clean: true,
        recovered: false,
      }),
    ),
  ).map(flagKey);
}

/**
 * Replaces the idle summary beside `stateFile` (owner-only, whole), or removes it when there is nothing
 * to say. Best effort and silent: without a summary the next hook runs in full, which is always right.
 */
async function writeIdleSummary(stateFile: string, written: WrittenState, charm: CharmCache | undefined): Promise<void> {
  const path = idleSummaryPath(stateFile);
  if (written.identity === null || charm === undefined) return unlink(path).catch(() => undefined);
  const temp = join(dirname(stateFile), `.${basename(path)}.${process.pid}.${uniqueId()}.tmp`);
  try {
    const text = formatIdleSummary({ state: written.identity, charm: charm.key, idle: idleFlagKeys(written.text, charm) });
    const fh = await open(temp, 'wx', 0o600);
    try {
      await fh.writeFile(text);
    } finally {
      await fh.close();
    }
    await rename(temp, path);
  } catch {
    await unlink(temp).catch(() => undefined);
    await unlink(path).catch(() => undefined);
  }
}
