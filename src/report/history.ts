/**
 * Reads recorded history entries (our own saved state, so outside input) into checked, bounded
 * steps with the domain event names, whether the file holds the current entry format or the
 * older one (`at, hook, from, to, event, reason?` with XState event names).
 */
import { LEGACY_EVENT_NAMES, RESOURCE_STATES } from '../../machines/resource.events.js';
import type { ResourceState } from '../../machines/resource.machine.js';
import { cap } from '../text.js';
import { isRecord } from '../own.js';

export { LEGACY_EVENT_NAMES };

/** One recorded transition, checked and bounded; the optional fields are absent in older files. */
export interface Step {
  /** When it happened (ISO 8601, as recorded). */
  at: string;
  /** `at` in ms since the epoch. */
  time: number;
  hook: string | null;
  from: ResourceState;
  to: ResourceState;
  /** The domain event name (`fetch`, `fetched`, `fetch-failed`…); unknown names are kept as they are. */
  event: string;
  reason?: string;
  kind?: string;
  digest?: string;
  changed?: boolean;
  attempts?: number;
  /** The registry's manifest digest, when the registry was asked and found the image. */
  registryDigest?: string;
}


/** The most entries read per resource (the layer keeps `historyLimit`, 20 by default). */
const MAX_STEPS = 1000;
const MAX_NAME = 200;

const isState = (v: unknown): v is ResourceState => typeof v === 'string' && (RESOURCE_STATES as readonly string[]).includes(v);

/** The domain name of a recorded event name (new names and unknown ones pass through). */
function domainEvent(name: string): string {
  return LEGACY_EVENT_NAMES.get(name) ?? name;
}

/** One entry as a step, or why it cannot be one. */
function toStep(entry: unknown): Step | string {
  if (!isRecord(entry)) return 'not an object';
  const { at, hook, from, to, event } = entry;
  const time = typeof at === 'string' ? Date.parse(at) : NaN;
  if (!Number.isFinite(time)) return 'no valid time';
  if (!isState(from) || !isState(to)) return 'unknown state';
  if (typeof event !== 'string' || event === '') return 'no event';
  const step: Step = {
    at: new Date(time).toISOString(),
    time,
    hook: typeof hook === 'string' && hook !== '' ? cap(hook, MAX_NAME) : null,
    from,
    to,
    event: cap(domainEvent(event), MAX_NAME),
  };
  if (typeof entry['reason'] === 'string' && entry['reason'] !== '') step.reason = cap(entry['reason']);
  if (typeof entry['kind'] === 'string' && /^[a-z][a-z0-9-]{0,39}$/.test(entry['kind'])) step.kind = entry['kind'];
  if (typeof entry['digest'] === 'string' && entry['digest'] !== '') step.digest = cap(entry['digest'], MAX_NAME);
  if (typeof entry['changed'] === 'boolean') step.changed = entry['changed'];
  if (typeof entry['registryDigest'] === 'string' && entry['registryDigest'] !== '') step.registryDigest = cap(entry['registryDigest'], MAX_NAME);
  const attempts = entry['attempts'];
  if (typeof attempts === 'number' && Number.isSafeInteger(attempts) && attempts >= 0) step.attempts = attempts;
  // Older files hold no kind: a time limit is the one failure their event name tells.
  if (step.kind === undefined && step.to === 'failed' && step.event === 'timed-out') step.kind = 'timeout';
  return step;
}

/**
 * The steps of one resource's recorded history, oldest first (the last {@link MAX_STEPS}).
 * Unusable entries are left out, with one warning per resource naming how many and why.
 */
export function readSteps(name: string, raw: unknown, warnings: string[] = []): Step[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    warnings.push(`history of resource "${name}" is not a list; left out`);
    return [];
  }
  const steps: Step[] = [];
  const problems = new Map<string, number>();
  for (const entry of raw.slice(-MAX_STEPS)) {
    const step = toStep(entry);
    if (typeof step === 'string') problems.set(step, (problems.get(step) ?? 0) + 1);
    else steps.push(step);
  }
  if (problems.size > 0) {
    const count = [...problems.values()].reduce((a, b) => a + b, 0);
    const why = [...problems.entries()].map(([p, n]) => `${n} ${p}`).join(', ');
    warnings.push(`history of resource "${name}": ${count} unusable ${count === 1 ? 'entry' : 'entries'} left out (${why})`);
  }
  return steps;
}
