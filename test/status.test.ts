import { describe, expect, it } from '@jest/globals';
import { initialContext, type ResourceContext, type ResourceState } from '../machines/resource.machine.js';
import type { ResourceView } from '../src/resource-view.js';
import {
  combineStatuses,
  isStatusState,
  layerStatus,
  listNames,
  MAX_STATUS_LENGTH,
  sameStatus,
  STATUS_PRIORITY,
  STATUS_STATES,
  type Status,
} from '../src/status.js';

const view = (name: string, state: ResourceState): ResourceView => ({
  name,
  state,
  context: {
    ...initialContext(name),
    requested: state !== 'idle',
    failure: state === 'failed' ? { kind: 'missing', reason: 'not attached' } : null,
    attempts: 1,
  } satisfies ResourceContext,
});

describe('listNames', () => {
  it('lists every name when they fit', () => {
    expect(listNames('fetching resources: ', ['web', 'db'])).toBe('fetching resources: web, db');
    expect(listNames('p: ', ['a'])).toBe('p: a');
  });

  it('keeps the message within 120 characters by default, naming how many more', () => {
    expect(MAX_STATUS_LENGTH).toBe(120);
    const names = Array.from({ length: 30 }, (_, i) => `resource-${String(i).padStart(2, '0')}`);
    const text = listNames('unable to fetch resources: ', names);
    expect(text.length).toBeLessThanOrEqual(120);
    expect(text).toMatch(/^unable to fetch resources: resource-00, resource-01, .* and \d+ more$/);
    const shown = text.replace(/ and \d+ more$/, '').slice('unable to fetch resources: '.length).split(', ');
    const more = Number(/ and (\d+) more$/.exec(text)![1]);
    expect(shown.length + more).toBe(30);
    expect(shown).toEqual(names.slice(0, shown.length));
    // as many names as fit: one more would overflow
    const oneMore = 'unable to fetch resources: ' + names.slice(0, shown.length + 1).join(', ') + ` and ${more - 1} more`;
    expect(oneMore.length).toBeGreaterThan(120);
  });

  it('fits exactly 120 characters without truncating, and shortens one character more with an ellipsis', () => {
    const prefix = 'p: ';
    const name = 'x'.repeat(120 - prefix.length);
    expect(listNames(prefix, [name])).toBe(prefix + name);
    expect(listNames(prefix, [name + 'y'])).toBe(`p: ${'x'.repeat(116)}…`);
  });

  it('shortens a name too long to fit with an ellipsis instead of dropping it, and counts the rest', () => {
    const text = listNames('unable to fetch resources: ', ['a'.repeat(200), 'b']);
    expect(text).toBe(`unable to fetch resources: ${'a'.repeat(120 - 27 - 11 - 1)}… and 1 more`);
    expect(text).toHaveLength(120);
  });

  it('honours a smaller limit, and counts in good grammar when no letter of a name fits', () => {
    expect(listNames('p: ', ['aa', 'bb', 'cc'], 20)).toBe('p: aa, bb, cc');
    expect(listNames('p: ', ['aa', 'bb', 'cc', 'dd'], 16)).toBe('p: aa and 3 more');
    expect(listNames('p: ', ['aa', 'bb', 'cc', 'dd'], 12)).toBe('p: 4 resources');
    expect(listNames('p: ', ['aaaa'], 4)).toBe('p: 1 resource');
  });
});

describe('the priority table', () => {
  it('orders blocked > maintenance > waiting > active, and lists exactly the states status-set accepts', () => {
    const order = [...STATUS_STATES].sort((a, b) => STATUS_PRIORITY[b] - STATUS_PRIORITY[a]);
    expect(order).toEqual(['blocked', 'maintenance', 'waiting', 'active']);
    expect(new Set(Object.keys(STATUS_PRIORITY))).toEqual(new Set(STATUS_STATES));
  });

  it('isStatusState accepts only those four', () => {
    for (const s of STATUS_STATES) expect(isStatusState(s)).toBe(true);
    for (const s of ['error', 'unknown', 'Active', '', null, 3]) expect(isStatusState(s)).toBe(false);
  });
});

describe('combineStatuses', () => {
  const s = (state: Status['state'], message: string = state): Status => ({ state, message });

  it('picks the highest priority whatever the order', () => {
    expect(combineStatuses([s('active'), s('waiting'), s('blocked'), s('maintenance')])).toEqual(s('blocked'));
    expect(combineStatuses([s('maintenance'), s('waiting')])).toEqual(s('maintenance'));
    expect(combineStatuses([s('active'), s('waiting')])).toEqual(s('waiting'));
  });

  it('keeps the first of equals and skips null and undefined', () => {
    expect(combineStatuses([null, s('waiting', 'first'), undefined, s('waiting', 'second')])).toEqual(s('waiting', 'first'));
    expect(combineStatuses([null, undefined])).toBeNull();
    expect(combineStatuses([])).toBeNull();
  });
});

describe('sameStatus', () => {
  it('compares state and message; two absent statuses are the same', () => {
    expect(sameStatus({ state: 'active', message: '' }, { state: 'active', message: '' })).toBe(true);
    expect(sameStatus({ state: 'active', message: 'a' }, { state: 'active', message: 'b' })).toBe(false);
    expect(sameStatus({ state: 'active', message: '' }, { state: 'waiting', message: '' })).toBe(false);
    expect(sameStatus(null, undefined)).toBe(true);
    expect(sameStatus(null, { state: 'active', message: '' })).toBe(false);
  });
});

describe('layerStatus (docs/BEHAVIOUR.md §4)', () => {
  it('has nothing to say when nothing is fetching or failed', () => {
    expect(layerStatus([])).toBeNull();
    expect(layerStatus([view('web', 'available'), view('db', 'idle')])).toBeNull();
  });

  it('singular and plural wording for failures, in the given order', () => {
    expect(layerStatus([view('web', 'failed')])).toEqual({ state: 'blocked', message: 'unable to fetch resource: web' });
    expect(layerStatus([view('web', 'failed'), view('db', 'failed')])).toEqual({
      state: 'blocked',
      message: 'unable to fetch resources: web, db',
    });
  });

  it('singular and plural wording while fetching', () => {
    expect(layerStatus([view('web', 'fetching')])).toEqual({ state: 'maintenance', message: 'fetching resource: web' });
    expect(layerStatus([view('web', 'fetching'), view('db', 'fetching')])).toEqual({
      state: 'maintenance',
      message: 'fetching resources: web, db',
    });
  });

  it('counts names about to be fetched as fetching, without duplicates', () => {
    expect(layerStatus([view('web', 'idle'), view('db', 'fetching')], ['web', 'db'])).toEqual({
      state: 'maintenance',
      message: 'fetching resources: web, db',
    });
  });

  it('blocked wins over fetching; a failed resource being fetched again is not reported as failed', () => {
    expect(layerStatus([view('web', 'failed'), view('db', 'fetching')])).toEqual({
      state: 'blocked',
      message: 'unable to fetch resource: web',
    });
    expect(layerStatus([view('web', 'failed'), view('db', 'failed')], ['web'])).toEqual({
      state: 'blocked',
      message: 'unable to fetch resource: db',
    });
    expect(layerStatus([view('web', 'failed')], ['web'])).toEqual({ state: 'maintenance', message: 'fetching resource: web' });
  });

  it('names a failed resource whose name alone is longer than juju status shows', () => {
    const long = `image-${'x'.repeat(150)}`;
    const status = layerStatus([view(long, 'failed')])!;
    expect(status).toEqual({ state: 'blocked', message: `unable to fetch resource: ${long.slice(0, 120 - 26 - 1)}…` });
    expect(status.message).toHaveLength(120);
  });

  it('truncates a long list to fit juju status', () => {
    const many = Array.from({ length: 40 }, (_, i) => view(`image-number-${i}`, 'failed'));
    const status = layerStatus(many)!;
    expect(status.state).toBe('blocked');
    expect(status.message.length).toBeLessThanOrEqual(120);
    expect(status.message).toMatch(/^unable to fetch resources: image-number-0, .* and \d+ more$/);
  });
});
