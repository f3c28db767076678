/**
 * The saved state is input, not truth: checks for each part read back from disk (a resource's
 * persisted snapshot, a history entry, the cached charm data). Each check returns the part,
 * cleaned (reasons capped, unknown keys left out), or the reason it cannot be used. Pure.
 */
import { LEGACY_EVENT_NAMES, RESOURCE_STATES } from '../machines/resource.events.js';
import type { ResourceState } from '../machines/resource.machine.js';
import type { CharmCache, CharmResource } from './charm.js';
import { isDigest } from './digest.js';
import { isFailureKind } from './errors/index.js';
import type { HistoryEntry, HookRecord, PersistedResource } from './layer-state.js';
import { isResourceName } from './resource-name.js';
import { cap, MAX_REASON_LENGTH } from './text.js';
import { isRecord } from './own.js';

/** A usable part, or why not (never quoting the part: it may hold credentials). */
export type Checked<T> = { ok: T } | { problem: string };

const STATES: ReadonlySet<string> = new Set<ResourceState>(RESOURCE_STATES);
const SETTLED: ReadonlySet<string> = new Set<ResourceState>(['idle', 'available', 'failed']);
const IMAGE_STRINGS = ['registryPath', 'username', 'password'] as const;
const IMAGE_OPTIONAL = new Set(['auth', 'email', 'identityToken', 'registryToken', 'repository', 'serverAddress', 'region']);
/** An instant as `Date.prototype.toISOString()` writes it. */
const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z$/;
const MAX_TEXT = 256;

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isShortText = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_TEXT;

/** Why saved image info cannot be used: every field a string, `registryPath` set, no field it does not know. */
function imageProblem(image: unknown): string | null {
  if (!isRecord(image)) return 'image info is not an object';
  for (const key of IMAGE_STRINGS) if (typeof image[key] !== 'string') return `image info field "${key}" is not a string`;
  if (image['registryPath'] === '') return 'image info has no registry path';
  for (const [key, value] of Object.entries(image)) {
    if ((IMAGE_STRINGS as readonly string[]).includes(key)) continue;
    if (!IMAGE_OPTIONAL.has(key)) return 'image info has a field it should not';
    if (typeof value !== 'string') return `image info field "${key}" is not a string`;
  }
  return null;
}

/** Checks a resource's persisted snapshot, saved under `name`; a failure reason is capped at 1024 characters. */
export function checkResource(name: string, value: unknown): Checked<PersistedResource> {
  const no = (problem: string): Checked<PersistedResource> => ({ problem });
  if (!isResourceName(name)) return no('its name is not a resource name');
  if (!isRecord(value)) return no('not an object');
  if (value['status'] !== 'active') return no(`status is ${typeof value['status'] === 'string' ? 'not "active"' : 'missing'}`);
  const state = value['value'];
  if (typeof state !== 'string' || !SETTLED.has(state)) return no('unknown state');
  const c = value['context'];
  if (!isRecord(c)) return no('no context');
  if (c['name'] !== name) return no('context names another resource');
  if (typeof c['requested'] !== 'boolean' || typeof c['changed'] !== 'boolean') return no('context flags are not booleans');
  if (!isCount(c['attempts']) || !isCount(c['failuresInARow'])) return no('context counters are not counts');
  if (c['digest'] !== null && !isDigest(c['digest'])) return no('digest is not a digest');
  if (c['image'] !== null) {
    const problem = imageProblem(c['image']);
    if (problem) return no(problem);
  }
  const failure = c['failure'];
  if (failure !== null && !(isRecord(failure) && isFailureKind(failure['kind']) && typeof failure['reason'] === 'string'))
    return no('failure is not a kind and a reason');
  // Added with the registry probe: absent in older files; a settled resource waits for no answer.
  if (c['verify'] !== undefined && typeof c['verify'] !== 'boolean') return no('"verify" is not a boolean');
  if (c['pending'] !== undefined && c['pending'] !== null) return no('it waits for a registry answer that never came');
  const registryDigest = c['registryDigest'];
  if (registryDigest !== undefined && registryDigest !== null && !isDigest(registryDigest))
    return no('registry digest is not a digest');
  const unverified = c['unverified'];
  if (unverified !== undefined && unverified !== null && typeof unverified !== 'string') return no('"unverified" is not a reason');
  if (typeof unverified === 'string' && unverified.length > MAX_REASON_LENGTH)
    return checkResource(name, { ...value, context: { ...c, unverified: cap(unverified) } });
  if (state === 'available' && c['image'] === null) return no('available without image info');
  if (state === 'failed' && failure === null) return no('failed without a reason');
  if (failure === null || (failure['reason'] as string).length <= MAX_REASON_LENGTH) return { ok: value as PersistedResource };
  const capped = { ...failure, reason: cap(failure['reason'] as string) };
  return { ok: { ...value, context: { ...c, failure: capped } } as PersistedResource };
}

/** Checks one history entry (the shared format); returns a copy with only the known fields, the reason capped. */
export function checkHistoryEntry(value: unknown): Checked<HistoryEntry> {
  const no = (problem: string): Checked<HistoryEntry> => ({ problem });
  if (!isRecord(value)) return no('not an object');
  const { at, hook, from, to, event, reason, kind, digest, changed, attempts, registryDigest } = value;
  if (typeof at !== 'string' || !ISO_INSTANT.test(at)) return no('"at" is not an ISO 8601 time');
  if (hook !== null && !isShortText(hook)) return no('"hook" is not a hook name');
  if (typeof from !== 'string' || !STATES.has(from) || typeof to !== 'string' || !STATES.has(to)) return no('unknown state');
  if (!isShortText(event) || event === '') return no('"event" is not an event name');
  if (reason !== undefined && typeof reason !== 'string') return no('"reason" is not text');
  if (kind !== undefined && !isFailureKind(kind)) return no('"kind" is not a failure kind');
  if (digest !== undefined && !isDigest(digest)) return no('"digest" is not a digest');
  if (changed !== undefined && typeof changed !== 'boolean') return no('"changed" is not a boolean');
  if (attempts !== undefined && !isCount(attempts)) return no('"attempts" is not a count');
  if (registryDigest !== undefined && !isDigest(registryDigest))
    return no('"registryDigest" is not a digest');
  // Files written before the domain names hold XState's: read as the names they stand for.
  const entry: HistoryEntry = { at, hook, from: from as ResourceState, to: to as ResourceState, event: LEGACY_EVENT_NAMES.get(event) ?? event };
  // In the order the layer writes them (transition.ts), so a checked entry is the same text.
  if (attempts !== undefined) entry.attempts = attempts;
  if (digest !== undefined) entry.digest = digest;
  if (changed !== undefined) entry.changed = changed;
  if (registryDigest !== undefined) entry.registryDigest = registryDigest;
  if (kind !== undefined) entry.kind = kind;
  if (reason !== undefined) entry.reason = cap(reason);
  return { ok: entry };
}

/** Checks the cached charm data: each resource name passes the same check as in metadata.yaml, once. */
export function checkCharmCache(value: unknown): Checked<CharmCache> {
  if (!isRecord(value) || typeof value['key'] !== 'string') return { problem: 'no key' };
  const { setStatus, verify } = value;
  if (setStatus !== undefined && typeof setStatus !== 'boolean') return { problem: '"setStatus" is not a boolean' };
  if (verify !== undefined && typeof verify !== 'boolean') return { problem: '"verify" is not a boolean' };
  const list = value['resources'];
  if (!Array.isArray(list)) return { problem: 'no resource list' };
  const resources: CharmResource[] = [];
  const seen = new Set<string>();
  for (const r of list) {
    if (!isRecord(r) || !isResourceName(r['name']) || typeof r['autoFetch'] !== 'boolean') return { problem: 'a resource is not a name and a switch' };
    if (r['verify'] !== undefined && typeof r['verify'] !== 'boolean') return { problem: 'a resource\'s "verify" is not a boolean' };
    if (seen.has(r['name'])) return { problem: 'a resource is listed twice' };
    seen.add(r['name']);
    resources.push({ name: r['name'], autoFetch: r['autoFetch'], ...(r['verify'] === true ? { verify: true } : {}) });
  }
  return { ok: { key: value['key'], resources, setStatus, ...(verify === undefined ? {} : { verify }) } };
}

/** The layer machine's top-level states a hook record may name. */
const PHASES: ReadonlySet<string> = new Set(['starting', 'open', 'planning', 'announcing', 'fetching', 'settled', 'committing', 'done', 'aborted']);
/** The most phases one hook goes through (each at most once, but `fetching` and `settled` may alternate). */
const MAX_PHASES = 32;

/** Checks one hook record: a hook name and its phases, each a known layer state with an ISO 8601 time. */
export function checkHookRecord(value: unknown): Checked<HookRecord> {
  if (!isRecord(value)) return { problem: 'not an object' };
  const { hook, phases } = value;
  if (hook !== null && !isShortText(hook)) return { problem: '"hook" is not a hook name' };
  if (!Array.isArray(phases) || phases.length === 0 || phases.length > MAX_PHASES) return { problem: 'no phases' };
  const kept: HookRecord['phases'] = [];
  for (const p of phases) {
    if (!isRecord(p) || typeof p['at'] !== 'string' || !ISO_INSTANT.test(p['at']) || typeof p['state'] !== 'string' || !PHASES.has(p['state']))
      return { problem: 'a phase is not a layer state and a time' };
    kept.push({ at: p['at'], state: p['state'] });
  }
  return { ok: { hook, phases: kept } };
}
