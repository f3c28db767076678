import type { ResourceView } from './resource-view.js';
import { cap } from './text.js';

/** A workload status Juju accepts from `status-set`. */
export type StatusState = 'maintenance' | 'blocked' | 'waiting' | 'active';

/** A unit status: a state and a message. */
export interface Status {
  state: StatusState;
  message: string;
}

/** The states `status-set` accepts, in one place. */
export const STATUS_STATES: readonly StatusState[] = ['maintenance', 'blocked', 'waiting', 'active'];

/** Priority of each state when statuses from several sources combine: higher wins (as the ops framework does). */
export const STATUS_PRIORITY: Readonly<Record<StatusState, number>> = {
  blocked: 4,
  maintenance: 3,
  waiting: 2,
  active: 1,
};

/** About how many characters of a message `juju status` shows. */
export const MAX_STATUS_LENGTH = 120;

/**
 * Joins names into `a, b, c and 7 more` so that `prefix + list` fits in `max` characters. When not even the
 * first name fits, it is shortened with an ellipsis (`a-very-long-na… and 1 more`) rather than dropped; only
 * when no room is left for a letter of it does a count stand in (`1 resource`, `2 resources`).
 */
export function listNames(prefix: string, names: readonly string[], max = MAX_STATUS_LENGTH): string {
  const more = (rest: number): string => (rest > 0 ? ` and ${rest} more` : '');
  // The joined names only grow with each name shown, so only the first few can fit: their lengths,
  // found in one pass that stops at the first that cannot, then the most of them that fit with the count.
  const joined: number[] = [];
  for (let i = 0, length = -2; i < names.length; i++) {
    length += names[i]!.length + 2;
    if (prefix.length + length > max) break;
    joined.push(length);
  }
  for (let shown = joined.length; shown > 0; shown--) {
    if (prefix.length + joined[shown - 1]! + more(names.length - shown).length <= max) {
      return prefix + names.slice(0, shown).join(', ') + more(names.length - shown);
    }
  }
  const suffix = more(names.length - 1);
  const room = max - prefix.length - suffix.length;
  if (names.length > 0 && room >= 2) return prefix + cap(names[0]!, room) + suffix;
  return `${prefix}${names.length} ${names.length === 1 ? 'resource' : 'resources'}`;
}

/** A singular or plural phrase for a list of resources, with the original layer's wording. */
function resourcesMessage(verb: string, names: readonly string[]): string {
  return listNames(`${verb} ${names.length === 1 ? 'resource' : 'resources'}: `, names);
}

/** The layer's own status for these resources, or `null` when it has nothing to say (docs/BEHAVIOUR.md §4). */
export function layerStatus(resources: Iterable<Pick<ResourceView, 'name' | 'state'>>, fetching: readonly string[] = []): Status | null {
  const failed: string[] = [];
  const busy = new Set(fetching);
  for (const r of resources) {
    if (r.state === 'failed' && !busy.has(r.name)) failed.push(r.name);
    if (r.state === 'fetching') busy.add(r.name);
  }
  if (failed.length > 0) return { state: 'blocked', message: resourcesMessage('unable to fetch', failed) };
  if (busy.size > 0) return { state: 'maintenance', message: resourcesMessage('fetching', [...busy]) };
  return null;
}

/** Combines statuses from several sources: the highest priority wins; the first of equals wins. */
export function combineStatuses(statuses: Iterable<Status | null | undefined>): Status | null {
  let best: Status | null = null;
  for (const s of statuses) {
    if (s && (best === null || STATUS_PRIORITY[s.state] > STATUS_PRIORITY[best.state])) best = s;
  }
  return best;
}

/** Whether two statuses are the same to Juju. */
export function sameStatus(a: Status | null | undefined, b: Status | null | undefined): boolean {
  return (a ?? null) === (b ?? null) || (!!a && !!b && a.state === b.state && a.message === b.message);
}

/** Whether a string is a state `status-set` accepts. */
export function isStatusState(value: unknown): value is StatusState {
  return typeof value === 'string' && (STATUS_STATES as readonly string[]).includes(value);
}
