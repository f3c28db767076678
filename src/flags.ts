import type { ResourceView } from './resource-view.js';

/** The prefix of every flag, as the original reactive layer named them. */
export const FLAG_PREFIX = 'layer.docker-resource';

/** The flag name for one resource and one fact (`fetched`, `available`, `failed`, `changed`). */
export function resourceFlag(name: string, fact: 'fetched' | 'available' | 'failed' | 'changed' | 'unverified'): string {
  return `${FLAG_PREFIX}.${name}.${fact}`;
}

/** Derives the flags (docs/BEHAVIOUR.md §3) from the resources' states: a pure function, sorted. */
export function deriveFlags(resources: Iterable<ResourceView>, autoFetched: boolean): string[] {
  const flags: string[] = [];
  let pending = false;
  for (const { name, state, context } of resources) {
    if (context.requested) flags.push(resourceFlag(name, 'fetched'));
    if (state === 'available') flags.push(resourceFlag(name, 'available'));
    if (state === 'failed') flags.push(resourceFlag(name, 'failed'));
    if (state === 'available' && context.changed) flags.push(resourceFlag(name, 'changed'));
    if (state === 'available' && typeof context.unverified === 'string') flags.push(resourceFlag(name, 'unverified'));
    if (context.requested && state !== 'available') pending = true;
  }
  if (pending) flags.push(`${FLAG_PREFIX}.pending`);
  if (autoFetched) flags.push(`${FLAG_PREFIX}.auto-fetched`);
  return flags.sort();
}
