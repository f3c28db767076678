import { describe, expect, it } from '@jest/globals';
import { initialContext, type ResourceContext, type ResourceState } from '../machines/resource.machine.js';
import { deriveFlags, FLAG_PREFIX, resourceFlag } from '../src/flags.js';
import type { ResourceView } from '../src/resource-view.js';

const view = (name: string, state: ResourceState, context: Partial<ResourceContext> = {}): ResourceView => ({
  name,
  state,
  context: { ...initialContext(name), requested: state !== 'idle', ...context },
});

describe('resourceFlag', () => {
  it('names flags as the original layer did', () => {
    expect(FLAG_PREFIX).toBe('layer.docker-resource');
    expect(resourceFlag('web', 'fetched')).toBe('layer.docker-resource.web.fetched');
    expect(resourceFlag('my-db.1', 'changed')).toBe('layer.docker-resource.my-db.1.changed');
  });
});

describe('deriveFlags (docs/BEHAVIOUR.md §3)', () => {
  it('sets nothing for no resources and no auto-fetch', () => {
    expect(deriveFlags([], false)).toEqual([]);
  });

  it('sets auto-fetched alone once auto-fetch has run', () => {
    expect(deriveFlags([view('web', 'idle')], true)).toEqual(['layer.docker-resource.auto-fetched']);
  });

  it('never-requested resources set no flag', () => {
    expect(deriveFlags([view('web', 'idle'), view('db', 'idle')], false)).toEqual([]);
  });

  it('available: fetched and available, not pending', () => {
    expect(deriveFlags([view('web', 'available')], false)).toEqual([
      'layer.docker-resource.web.available',
      'layer.docker-resource.web.fetched',
    ]);
  });

  it('available and changed: changed too', () => {
    expect(deriveFlags([view('web', 'available', { changed: true })], false)).toContain('layer.docker-resource.web.changed');
  });

  it('changed is only reported while available', () => {
    expect(deriveFlags([view('web', 'failed', { changed: true })], false)).not.toContain('layer.docker-resource.web.changed');
    expect(deriveFlags([view('web', 'fetching', { changed: true })], false)).not.toContain('layer.docker-resource.web.changed');
  });

  it('failed: fetched, failed and pending', () => {
    expect(deriveFlags([view('web', 'failed')], false)).toEqual([
      'layer.docker-resource.pending',
      'layer.docker-resource.web.failed',
      'layer.docker-resource.web.fetched',
    ]);
  });

  it('fetching: fetched and pending', () => {
    expect(deriveFlags([view('web', 'fetching')], false)).toEqual(['layer.docker-resource.pending', 'layer.docker-resource.web.fetched']);
  });

  it('pending is set once for several resources, and sorted', () => {
    const flags = deriveFlags([view('web', 'failed'), view('db', 'fetching'), view('api', 'available')], true);
    expect(flags.filter((f) => f.endsWith('.pending'))).toHaveLength(1);
    expect(flags).toEqual([...flags].sort());
    expect(flags).toEqual([
      'layer.docker-resource.api.available',
      'layer.docker-resource.api.fetched',
      'layer.docker-resource.auto-fetched',
      'layer.docker-resource.db.fetched',
      'layer.docker-resource.pending',
      'layer.docker-resource.web.failed',
      'layer.docker-resource.web.fetched',
    ]);
  });

  it('is a pure function: the same views give the same flags and are not changed', () => {
    const views = [view('web', 'available', { changed: true }), view('db', 'failed')];
    const copy = structuredClone(views);
    expect(deriveFlags(views, true)).toEqual(deriveFlags(copy, true));
    expect(views).toEqual(copy);
  });

  it('accepts any iterable', () => {
    function* gen(): Generator<ResourceView> {
      yield view('web', 'available');
    }
    expect(deriveFlags(gen(), false)).toContain('layer.docker-resource.web.available');
  });
});
