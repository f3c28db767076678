/** A read-only look at a charm's layer state: no lock, no hook tool, safe outside a hook. */
import { readCharm } from './charm.js';
import { charmDirFromEnv } from './hook-env.js';
import { UnknownResourceError } from './errors/index.js';
import { deriveFlags } from './flags.js';
import type { ImageInfo } from './image-info.js';
import { readState, type HistoryEntry, type LayerState } from './layer-state.js';
import { readHistoryFile } from './history-file.js';
import { own } from './own.js';
import { freshContext, imageInfoOf, type ResourceView } from './resource-view.js';
import { statePaths } from './state-paths.js';

/** What a charm's layer state says now. */
export interface LayerSnapshot {
  charmDir: string;
  resources: ResourceView[];
  flags: string[];
  state: LayerState;
  warnings: string[];
  /** The image info of an available resource, or the error that says why not. */
  getInfo(name: string): ImageInfo;
  history(name: string): HistoryEntry[];
}

/** Reads the charm's metadata and saved state without taking the lock or running a hook tool. */
export async function readLayerSnapshot(
  options: { charmDir?: string; stateFile?: string; env?: NodeJS.ProcessEnv; history?: boolean } = {},
): Promise<LayerSnapshot> {
  const charmDir = options.charmDir ?? charmDirFromEnv(options.env ?? process.env);
  const stateFile = options.stateFile ?? statePaths(charmDir).file;
  const { state, warnings } = await readState(stateFile);
  // The history (and hook records) live in their own file; `history: false` skips it (flags, info).
  if (options.history !== false) Object.assign(state, readHistoryFile(stateFile, warnings) ?? {});
  const charm = await readCharm(charmDir, state.charm);
  const resources: ResourceView[] = charm.resources.map(({ name }) => {
    const saved = own(state.resources, name);
    return saved ? { name, state: saved.value, context: saved.context } : { name, state: 'idle', context: freshContext(name) };
  });
  const find = (name: string) => {
    const view = resources.find((r) => r.name === name);
    if (!view) throw new UnknownResourceError(name, charm.resources.map((r) => r.name));
    return view;
  };
  return {
    charmDir,
    resources,
    flags: deriveFlags(resources, state.autoFetched),
    state,
    warnings,
    getInfo: (name) => imageInfoOf(find(name)),
    history: (name) => (find(name), own(state.history, name) ?? []),
  };
}
