/** The layer's persisted state: its shape, and validation of what is read back from disk. */
import type { ResourceContext, ResourceState } from '../machines/resource.machine.js';
import type { FailureKind } from './errors/resource-error.js';
import type { CharmCache } from './charm.js';
import { readStateFile, STATE_VERSION } from './state-file.js';
import { isStatusState, type Status } from './status.js';

/** A settled machine's persisted snapshot (XState's `getPersistedSnapshot()`), as stored. */
export interface PersistedResource {
  status: 'active';
  value: ResourceState;
  context: ResourceContext;
  [key: string]: unknown;
}

/** One recorded transition, kept across hooks for `docker-resource history` and a replay. */
export interface HistoryEntry {
  /** When (ISO 8601). */
  at: string;
  /** In which hook. */
  hook: string | null;
  from: ResourceState;
  to: ResourceState;
  /** The event in the domain's words (`fetch`, `fetched`, `fetch-failed`, …); older files hold XState's names. */
  event: string;
  /** Why it failed (when `to` is `failed`). */
  reason?: string;
  /** The kind of failure (when `to` is `failed`). */
  kind?: FailureKind;
  /** The content digest (when `to` is `available`). */
  digest?: string;
  /** Whether the content changed (when `to` is `available`). */
  changed?: boolean;
  /** Fetches started so far. */
  attempts?: number;
  /** The registry's manifest digest (when `to` is `available` and the registry was asked). */
  registryDigest?: string;
}

/** Everything that lasts from one hook to the next. */
export interface LayerState {
  version: number;
  /** Whether auto-fetch has run (the `auto-fetched` flag). */
  autoFetched: boolean;
  /** The status the layer last set, and whose it was. */
  status: (Status & { owner: 'layer' | 'charm' }) | null;
  /** The charm's own status, set with `setCharmStatus` or `docker-resource status-set`; competes by priority. */
  charmStatus?: Status | null;
  resources: Record<string, PersistedResource>;
  history: Record<string, HistoryEntry[]>;
  /** The charm files as last parsed (a cache: dropped when unusable). */
  charm?: CharmCache;
}

/** The state of a charm that has never run a hook with the layer. */
export function emptyState(): LayerState {
  return { version: STATE_VERSION, autoFetched: false, status: null, resources: {}, history: {} };
}

const SETTLED = new Set(['idle', 'available', 'failed']);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why a persisted resource cannot be used, or `null` when it can. */
export function checkResource(name: string, value: unknown): string | null {
  if (!isObject(value)) return 'not an object';
  if (value['status'] !== 'active') return `status is ${JSON.stringify(value['status'])}`;
  if (typeof value['value'] !== 'string' || !SETTLED.has(value['value'])) return `unknown state ${JSON.stringify(value['value'])}`;
  const c = value['context'];
  if (!isObject(c)) return 'no context';
  if (c['name'] !== name) return 'context names another resource';
  if (typeof c['requested'] !== 'boolean' || typeof c['changed'] !== 'boolean') return 'context flags are not booleans';
  if (typeof c['attempts'] !== 'number' || typeof c['failuresInARow'] !== 'number') return 'context counters are not numbers';
  const state = value['value'];
  if (state === 'available' && (!isObject(c['image']) || typeof (c['image'] as Record<string, unknown>)['registryPath'] !== 'string'))
    return 'available without image info';
  if (state === 'failed' && (!isObject(c['failure']) || typeof (c['failure'] as Record<string, unknown>)['reason'] !== 'string'))
    return 'failed without a reason';
  return null;
}

function isCharmCache(v: unknown): v is CharmCache {
  return (
    isObject(v) &&
    typeof v['key'] === 'string' &&
    (v['setStatus'] === undefined || typeof v['setStatus'] === 'boolean') &&
    Array.isArray(v['resources']) &&
    v['resources'].every((r) => isObject(r) && typeof r['name'] === 'string' && typeof r['autoFetch'] === 'boolean')
  );
}

/** Turns whatever was read into a usable state, dropping (with a warning each) the parts that are not. */
export function toLayerState(data: unknown, warnings: string[]): LayerState {
  const state = emptyState();
  if (!isObject(data)) return state;
  state.autoFetched = data['autoFetched'] === true;
  const status = data['status'];
  if (isObject(status) && isStatusState(status['state']) && typeof status['message'] === 'string')
    state.status = { state: status['state'], message: status['message'], owner: status['owner'] === 'charm' ? 'charm' : 'layer' };
  const charmStatus = data['charmStatus'];
  if (isObject(charmStatus) && isStatusState(charmStatus['state']) && typeof charmStatus['message'] === 'string')
    state.charmStatus = { state: charmStatus['state'], message: charmStatus['message'] };
  const resources = isObject(data['resources']) ? data['resources'] : {};
  for (const [name, value] of Object.entries(resources)) {
    const problem = checkResource(name, value);
    if (problem === null) state.resources[name] = value as PersistedResource;
    else warnings.push(`saved state of resource "${name}" is unusable (${problem}); starting it afresh`);
  }
  const charm = data['charm'];
  if (isCharmCache(charm)) state.charm = charm;
  const history = isObject(data['history']) ? data['history'] : {};
  for (const [name, list] of Object.entries(history)) if (Array.isArray(list)) state.history[name] = list as HistoryEntry[];
  return state;
}

/** Reads the state file (falling back to its last good copy) into a usable state, with warnings. */
export async function readState(file: string): Promise<{ state: LayerState; clean: boolean; warnings: string[] }> {
  const { data, source, warnings } = await readStateFile(file);
  const state = toLayerState(data, warnings);
  // clean: the state file holds exactly this state, so a hook that changes nothing need not write it.
  return { state, clean: source === 'main' && warnings.length === 0, warnings };
}
