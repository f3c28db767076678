/** The report model: lanes across hook runs, the context redacted, no credential anywhere. */
import { describe, expect, it } from '@jest/globals';
import { buildReportModel } from '../../src/report/model.js';
import { createScrubber, secretValues } from '../../src/report/scrub.js';
import { hostileState, MARKUP_NAME, NASTY_REASON, SENTINEL } from './fixtures/hostile-state.js';

const lane = (model: ReturnType<typeof buildReportModel>, name: string) =>
  model.resources.find((r) => r.name === name)!.lane.map((cell) => cell.map((s) => s.state).join(' '));

describe('buildReportModel', () => {
  const { input } = hostileState();
  const model = buildReportModel(input);

  it('holds no credential anywhere, whatever field it was planted in', () => {
    const json = JSON.stringify(model);
    expect(json).not.toContain(SENTINEL);
    expect(model.resources[0]!.context.image).toEqual({
      registryPath: 'registry.example.com/web:1',
      username: 'bot',
      password: '<redacted>',
      auth: '<redacted>',
      identityToken: '<redacted>',
      registryToken: '<redacted>',
    });
    expect(model.status!.message).toBe(`unable to fetch resource: ${MARKUP_NAME} (<redacted>)`);
    expect(model.warnings).toEqual(['a warning naming <redacted>']);
  });

  it('groups the history into hook runs, oldest first', () => {
    expect(model.hooks.map((h) => [h.hook, h.at])).toEqual([
      ['install', '2024-05-01T09:00:00.000Z'],
      ['update-status', '2024-05-01T09:05:00.000Z'],
      ['upgrade-charm <redacted>', '2024-05-01T09:10:00.000Z'],
    ]);
  });

  it('draws one lane per resource: the state each run began in, then each state it entered', () => {
    expect(model.resources.map((r) => r.name)).toEqual(['web', MARKUP_NAME, 'constructor', 'idle-one']);
    expect(lane(model, 'web')).toEqual(['idle fetching available', 'available', 'available fetching available']);
    expect(lane(model, MARKUP_NAME)).toEqual(['idle fetching failed', 'failed fetching failed', 'failed']);
    // Its kept history does not start at idle: what came before is unknown.
    expect(lane(model, 'constructor')).toEqual(['unrecorded', 'unrecorded fetching failed', 'failed']);
    expect(lane(model, 'idle-one')).toEqual(['idle', 'idle', 'idle']);
  });

  it('keeps the failure kind and reason of each step, the older entries mapped to domain events', () => {
    const bad = model.resources.find((r) => r.name === MARKUP_NAME)!;
    const failed = bad.lane[0]!.at(-1)!;
    expect(failed.step).toMatchObject({ event: 'fetch-failed', kind: 'missing', reason: NASTY_REASON.replace(SENTINEL, '<redacted>') });
    const ctor = model.resources.find((r) => r.name === 'constructor')!;
    expect(ctor.steps.map((s) => [s.event, s.kind])).toEqual([
      ['retry', undefined],
      ['timed-out', 'timeout'],
    ]);
    expect(ctor.context.failure).toEqual({ kind: 'timeout', reason: 'fetch timed out' });
  });

  it('counts the edges each resource took', () => {
    const web = model.resources.find((r) => r.name === 'web')!;
    expect(web.taken).toEqual([
      { from: 'idle', to: 'fetching', count: 1 },
      { from: 'fetching', to: 'available', count: 2 },
      { from: 'available', to: 'fetching', count: 1 },
    ]);
  });

  it('carries the flags and the status now', () => {
    expect(model.flags).toContain('layer.docker-resource.web.changed');
    expect(model.flags).toContain('layer.docker-resource.pending');
    expect(model.status).toMatchObject({ state: 'blocked', owner: 'layer' });
  });

  it('says when nothing was recorded', () => {
    const { input: empty } = hostileState();
    const bare = buildReportModel({ ...empty, state: { ...empty.state, history: {} } });
    expect(bare.hooks).toEqual([]);
    expect(bare.resources.every((r) => r.lane.length === 0 && r.steps.length === 0)).toBe(true);
  });
});

describe('the scrubber', () => {
  it('finds credential values at any depth and replaces the longest first', () => {
    const secrets = secretValues({ a: { password: 'pw' }, list: [{ identityToken: 'pw-and-more' }], auth: '' });
    expect([...secrets].sort()).toEqual(['pw', 'pw-and-more']);
    expect(createScrubber(secrets)('x pw-and-more y pw')).toBe('x <redacted> y <redacted>');
  });
});
