/** The layer's persisted state: its shape, and validation of what is read back from disk. */
import type { ResourceContext, ResourceState } from '../machines/resource.machine.js';
import type { CharmCache } from './charm.js';
import type { FailureKind } from './errors/index.js';
import { checkCharmCache, checkHistoryEntry, checkHookRecord, checkResource } from './state-check.js';
import { readStateFile, STATE_VERSION } from './state-file.js';
import { isStatusState, type Status } from './status.js';
import { isResourceName } from './resource-name.js';
import { isRecord } from './own.js';

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
  /** The hook it happened in. */
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

/** One hook that changed something, as the layer machine went through it: its phases with their times. */
export interface HookRecord {
  /** The hook's name. */
  hook: string | null;
  /** The layer machine's states (`open`, `planning`, `fetching`, `committing`…), each with when it was entered (ISO 8601). */
  phases: Array<{ at: string; state: string }>;
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
  /** Persisted snapshots by resource name: look names up with `own()` (a resource may be named `constructor`). */
  resources: Record<string, PersistedResource>;
  /**
   * Transitions by resource name, oldest first: look names up with `own()`. Kept in the history file;
   * here only when read from a state file written before there was one.
   */
  history: Record<string, HistoryEntry[]>;
  /** The charm files as last parsed (a cache: dropped when unusable). */
  charm?: CharmCache;
  /** The last hooks that wrote the state (at most `historyLimit`), oldest first: a replay shows the layer actor of each. */
  hooks?: HookRecord[];
}

/** The state of a charm that has never run a hook with the layer. */
export function emptyState(): LayerState {
  return { version: STATE_VERSION, autoFetched: false, status: null, resources: {}, history: {} };
}


/** Turns whatever was read into a usable state, dropping (with a warning each) the parts that are not. */
export function toLayerState(data: unknown, warnings: string[]): LayerState {
  const state = emptyState();
  if (!isRecord(data)) return state;
  state.autoFetched = data['autoFetched'] === true;
  const status = data['status'];
  if (isRecord(status) && isStatusState(status['state']) && typeof status['message'] === 'string')
    state.status = { state: status['state'], message: status['message'], owner: status['owner'] === 'charm' ? 'charm' : 'layer' };
  const charmStatus = data['charmStatus'];
  if (isRecord(charmStatus) && isStatusState(charmStatus['state']) && typeof charmStatus['message'] === 'string')
    state.charmStatus = { state: charmStatus['state'], message: charmStatus['message'] };
  const resources = isRecord(data['resources']) ? data['resources'] : {};
  for (const [name, value] of Object.entries(resources)) {
    const checked = checkResource(name, value);
    if ('ok' in checked) state.resources[name] = checked.ok;
    else warnings.push(`saved state of resource ${quoted(name)} is unusable (${checked.problem}); starting it afresh`);
  }
  if (data['charm'] !== undefined) {
    const charm = checkCharmCache(data['charm']);
    if ('ok' in charm) state.charm = charm.ok;
    else warnings.push(`saved charm data is unusable (${charm.problem}); reading the charm files again`);
  }
  Object.assign(state, toHistory(data, warnings));
  return state;
}

/** The history and hook records of a document (the history file, or a state file written before it had one). */
export function toHistory(data: unknown, warnings: string[]): Pick<LayerState, 'history' | 'hooks'> {
  const out: Pick<LayerState, 'history' | 'hooks'> = { history: {} };
  if (!isRecord(data)) return out;
  const history = isRecord(data['history']) ? data['history'] : {};
  for (const [name, list] of Object.entries(history)) {
    if (!isResourceName(name) || !Array.isArray(list)) {
      warnings.push(`saved history of resource ${quoted(name)} is unusable; dropped`);
      continue;
    }
    const kept: HistoryEntry[] = [];
    const problems: string[] = [];
    for (const value of list) {
      const entry = checkHistoryEntry(value);
      if ('ok' in entry) kept.push(entry.ok);
      else problems.push(entry.problem);
    }
    out.history[name] = kept;
    if (problems.length > 0)
      warnings.push(`saved history of resource "${name}": dropped ${problems.length} unusable ${problems.length === 1 ? 'entry' : 'entries'} (${problems[0]})`);
  }
  if (Array.isArray(data['hooks'])) {
    const hooks = data['hooks'].map(checkHookRecord);
    out.hooks = hooks.flatMap((h) => ('ok' in h ? [h.ok] : []));
    const dropped = hooks.length - out.hooks.length;
    if (dropped > 0) warnings.push(`saved hook records: dropped ${dropped} unusable ${dropped === 1 ? 'record' : 'records'}`);
  }
  return out;
}

/** A name from the saved state, quoted for a message: a bad one is shown as JSON, cut short. */
function quoted(name: string): string {
  if (isResourceName(name)) return `"${name}"`;
  const text: string = name;
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 63)}…` : text);
}

/**
 * Reads the state file (falling back to its last good copy) into a usable state, with warnings. The
 * history lives in a file of its own (history-file.ts), which an idle hook never reads; a state file
 * written before that still holds it, and is then not clean: the next hook moves it out.
 */
export async function readState(file: string): Promise<{ state: LayerState; clean: boolean; warnings: string[] }> {
  const { data, source, warnings } = await readStateFile(file);
  const state = toLayerState(data, warnings);
  const inline = isRecord(data) && (data['history'] !== undefined || data['hooks'] !== undefined);
  // clean: the state file holds exactly this state, so a hook that changes nothing need not write it.
  return { state, clean: source === 'main' && warnings.length === 0 && !inline, warnings };
}
