/** Opening the layer for a hook: its options, the charm and the saved state read, the lock taken. */
import { dirname } from 'node:path';
import type { InspectionEvent } from 'xstate';
import { initialLayerContext } from '../machines/layer.context.js';
import { readCharm } from './charm.js';
import { charmDirFromEnv, hookNameFromEnv } from './hook-env.js';
import type { RetryPolicy } from './fetch-image.js';
import { createHookTools, type HookTools } from './hook-tools.js';
import { validateLayerOptions } from './layer-options.js';
import { readState } from './layer-state.js';
import { acquireLock } from './lock.js';
import { DockerResourceLayer } from './orchestrator.js';
import { ensureStateDir } from './state-dir.js';
import { statePaths } from './state-paths.js';

/** Options of {@link openLayer}; each mirrors a layer option or a hook fact. */
export interface LayerOptions {
  /** The charm directory (default: JUJU_CHARM_DIR, else CHARM_DIR, else the current directory). */
  charmDir?: string;
  /** The hook environment (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** The hook tools (default: the real ones, spawned through execa). */
  tools?: HookTools;
  /** The hook's name (default: from JUJU_DISPATCH_PATH or JUJU_HOOK_NAME). */
  hookName?: string;
  /** Set the unit's status automatically (default: layer.yaml's `set-status`, else true). */
  setStatus?: boolean;
  /** How many resources to fetch at once (default 64). */
  concurrency?: number;
  /** The time limit of one fetch, in ms (default 5 minutes). */
  fetchTimeoutMs?: number;
  /** In-hook retries of a failing `resource-get` (default: 1 retry after 500 ms; `{ retries: 0 }` turns it off). */
  retry?: Partial<RetryPolicy>;
  /** Where the state is kept (default `<charmDir>/.docker-resource/state.json`). */
  stateFile?: string;
  /** How long to wait for another process holding the state lock, in ms (default 120 s). */
  lockTimeoutMs?: number;
  /**
   * Ask each image's registry, after reading the resource, whether the image can be pulled with the
   * resource's credentials (default: `verify` in layer.yaml's options or per resource in metadata.yaml, else false).
   */
  verify?: boolean;
  /** How the registry is asked: its own time limit in ms (default 10 s), and `fetch` to replace the network (tests). */
  registry?: { timeoutMs?: number; fetch?: typeof globalThis.fetch };
  /** How many transitions to keep per resource in the history (default 20). */
  historyLimit?: number;
  /** An XState inspector (e.g. `createSkyInspector().inspect`); receives every actor's events, redacted. */
  inspect?: ((event: InspectionEvent) => void) | { next?: (event: InspectionEvent) => void };
  /** Where warnings go besides `juju-log -l WARNING` (default: stderr). */
  onWarning?: (message: string) => void;
  /** The clock, for tests. */
  now?: () => Date;
}

/**
 * The default bound on fetches in flight: a unit asks its controller for at most this many resources at
 * once. Measured (docs/PERFORMANCE.md): at N = 100 with 50 ms per resource-get, 64 against 16 took the
 * install from 1.46 to 1.35 × its floor in wall time and 1.31 to 1.28 × in CPU; at N = 1000 the peak
 * stayed at 130 MB, where 100 in flight took it to 129–162 MB over six later runs.
 */
const DEFAULT_CONCURRENCY = 64;

/** Opens the layer for the current hook: reads the charm and the saved state, and takes the state lock. */
export async function openLayer(options: LayerOptions = {}): Promise<DockerResourceLayer> {
  validateLayerOptions(options);
  const env = options.env ?? process.env;
  const charmDir = options.charmDir ?? charmDirFromEnv(env);
  const stateFile = options.stateFile ?? statePaths(charmDir).file;
  const tools = options.tools ?? createHookTools({ env });
  await ensureStateDir(dirname(stateFile)); // owner-only, or refused with the reason
  const lock = await acquireLock(`${stateFile}.lock`, { timeoutMs: options.lockTimeoutMs ?? 120_000 });
  try {
    const { state, clean, warnings } = await readState(stateFile);
    const cachedCharm = state.charm;
    const charm = await readCharm(charmDir, cachedCharm);
    state.charm = charm.cache;
    const declared = new Set(charm.resources.map((r) => r.name));
    const stale = [...Object.keys(state.resources), ...Object.keys(state.history)].some((name) => !declared.has(name));
    const hook = options.hookName ?? hookNameFromEnv(env) ?? null;
    const context = initialLayerContext({
      hook,
      resources: charm.resources,
      state,
      concurrency: Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY),
      setStatus: options.setStatus ?? charm.setStatus ?? true,
      verify: options.verify ?? charm.verify ?? false,
      clean: clean && charm.cache === cachedCharm && !stale,
      recovered: lock.recovered,
    });
    return new DockerResourceLayer({ charmDir, stateFile, tools, options, context, state, warnings, lock });
  } catch (error) {
    await lock.release();
    throw error;
  }
}
