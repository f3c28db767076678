import { describe, expect, it } from '@jest/globals';
import { FAILURE_KINDS } from '../src/errors/index.js';
import { toLayerState } from '../src/layer-state.js';
import { checkCharmCache, checkHistoryEntry, checkResource } from '../src/state-check.js';

const entry = { at: '2025-03-01T10:00:01.000Z', hook: 'install', from: 'fetching', to: 'failed', event: 'fetch-failed' };
const resource = (name: string, context: Record<string, unknown> = {}) => ({
  status: 'active',
  value: 'available',
  context: { name, requested: true, image: { registryPath: 'registry.example/app:1', username: 'u', password: 'p' }, digest: null, failure: null, changed: false, attempts: 1, failuresInARow: 0, ...context },
});

describe('history entries (the shared format)', () => {
  it('keeps a valid entry with the optional fields, and leaves unknown keys out', () => {
    const full = { ...entry, reason: 'resource-get failed', kind: 'missing', digest: `sha256:${'a'.repeat(64)}`, changed: false, attempts: 2, extra: 'x' };
    const { extra: _extra, ...kept } = full;
    expect(checkHistoryEntry(full)).toEqual({ ok: kept });
    expect(checkHistoryEntry({ ...entry, hook: null, event: 'xstate.error.actor.fetch' })).toMatchObject({ ok: { hook: null } });
  });

  it('reads the XState event names of older files as the domain names they stand for', () => {
    expect(checkHistoryEntry({ ...entry, from: 'idle', to: 'fetching', event: 'FETCH' })).toMatchObject({ ok: { event: 'fetch' } });
    expect(checkHistoryEntry({ ...entry, event: 'xstate.error.actor.fetch' })).toMatchObject({ ok: { event: 'fetch-failed' } });
    expect(checkHistoryEntry({ ...entry, event: 'something-new' })).toMatchObject({ ok: { event: 'something-new' } });
  });

  it.each([
    ['a time that is not ISO 8601', { at: 'yesterday' }, '"at" is not an ISO 8601 time'],
    ['an unknown state', { to: 'vanished' }, 'unknown state'],
    ['an empty event', { event: '' }, '"event" is not an event name'],
    ['a kind not in FAILURE_KINDS', { kind: 'exploded' }, '"kind" is not a failure kind'],
    ['a reason that is not text', { reason: { password: 'x' } }, '"reason" is not text'],
    ['attempts that are not a count', { attempts: -1 }, '"attempts" is not a count'],
    ['a hook name that is not text', { hook: 7 }, '"hook" is not a hook name'],
  ])('drops an entry with %s', (_what, change, problem) => {
    expect(checkHistoryEntry({ ...entry, ...change })).toEqual({ problem });
  });

  it('caps a long reason at 1024 characters, cut visibly', () => {
    const checked = checkHistoryEntry({ ...entry, reason: 'x'.repeat(5000) });
    expect('ok' in checked && checked.ok.reason).toBe(`${'x'.repeat(1023)}…`);
  });

  it('validates every kind of FAILURE_KINDS, one list', () => {
    for (const kind of FAILURE_KINDS) expect(checkHistoryEntry({ ...entry, kind })).toHaveProperty('ok');
  });
});

describe('saved resources and the charm cache', () => {
  it('accepts a good snapshot and refuses image fields that are not strings or not known', () => {
    expect(checkResource('web', resource('web'))).toHaveProperty('ok');
    const nested = resource('web', { image: { registryPath: 'a', username: { password: 'x' }, password: 'p' } });
    expect(checkResource('web', nested)).toEqual({ problem: 'image info field "username" is not a string' });
    const extra = resource('web', { image: { registryPath: 'a', username: '', password: '', smuggled: 'x' } });
    expect(checkResource('web', extra)).toEqual({ problem: 'image info has a field it should not' });
    expect(checkResource('web', resource('web', { failure: { kind: 'gone', reason: 'x' } }))).toEqual({ problem: 'failure is not a kind and a reason' });
    expect(checkResource('we b', resource('we b'))).toEqual({ problem: 'its name is not a resource name' });
  });

  it('refuses cached charm data whose names would not pass the metadata check', () => {
    expect(checkCharmCache({ key: 'k', resources: [{ name: 'web', autoFetch: true }], setStatus: undefined })).toHaveProperty('ok');
    expect(checkCharmCache({ key: 'k', resources: [{ name: 'web\nforged', autoFetch: true }] })).toEqual({ problem: 'a resource is not a name and a switch' });
    expect(checkCharmCache({ key: 'k', resources: [{ name: 'web', autoFetch: true }, { name: 'web', autoFetch: false }] })).toEqual({ problem: 'a resource is listed twice' });
  });

  it('builds the state from own keys only, with a warning per unusable part', () => {
    const warnings: string[] = [];
    const text = `{"version":1,"resources":{"constructor":${JSON.stringify(resource('constructor'))},"__proto__":${JSON.stringify(resource('__proto__'))}},"history":{"toString":[${JSON.stringify(entry)},{"at":1}]}}`;
    const data: unknown = JSON.parse(text); // JSON.parse makes "__proto__" an own key, as a saved file would
    const state = toLayerState(data, warnings);
    expect(Object.keys(state.resources)).toEqual(['constructor']);
    expect(Object.getPrototypeOf(state.resources)).toBe(Object.prototype);
    expect(state.history['toString']).toHaveLength(1);
    expect(warnings).toEqual([
      'saved state of resource "__proto__" is unusable (its name is not a resource name); starting it afresh',
      'saved history of resource "toString": dropped 1 unusable entry ("at" is not an ISO 8601 time)',
    ]);
  });
});
