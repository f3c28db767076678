/** verify: the registry is asked whether the image can be pulled; its answers are states and flags (in-process registry). */
import { afterEach, describe, expect, it } from '@jest/globals';
import { ImagePullError } from '../src/errors/index.js';
import { createHarness, type Harness } from '../src/testing/index.js';

const HOST = 'registry.example.com';
const SECRET = 'pw-SENTINEL-verify';
const web = (password = SECRET, tag = '1') => ({ registryPath: `${HOST}/team/web:${tag}`, username: 'bot', password });
const flags = (h: Harness) => h.flags();

let h: Harness;
afterEach(() => h?.cleanup());

function charm(verify: 'option' | 'metadata' | 'off' = 'option') {
  h = createHarness({
    resources: { web: { type: 'oci-image', 'auto-fetch': true, ...(verify === 'metadata' ? { verify: true } : {}) } },
    options: verify === 'option' ? { verify: true } : {},
  });
  h.registry.host(HOST, { users: { bot: SECRET } });
  return h;
}

describe('verify', () => {
  it('found: available, the transition says verified with the registry digest; nothing secret anywhere', async () => {
    charm();
    const digest = h.registry.push(`${HOST}/team/web:1`);
    h.attach('web', web());
    const summary = await h.hook('install');
    expect(summary.flags).toContain('layer.docker-resource.web.available');
    expect(summary.flags).not.toContain('layer.docker-resource.web.unverified');
    const last = summary.transitions.at(-1)!;
    expect(last.to === 'available' && last.event).toMatchObject({ type: 'verified', registryDigest: digest });
    expect((await h.history('web')).at(-1)).toMatchObject({ event: 'verified', registryDigest: digest });
    expect(h.registry.requests.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([
      'GET /v2/',
      'GET /token',
      'HEAD /v2/team/web/manifests/1',
    ]);
    const seen = JSON.stringify([summary, h.statuses, h.juju.logs, await h.history('web')]);
    expect(seen).not.toContain(SECRET);
  });

  it('a wrong password: failed as auth-failed, blocked, and getInfo says which', async () => {
    charm();
    h.registry.push(`${HOST}/team/web:1`);
    h.attach('web', web('wrong'));
    const summary = await h.hook('install', (layer) => {
      expect(() => layer.getInfo('web')).toThrow(ImagePullError);
      expect(() => layer.getInfo('web')).toThrow(/registry rejected credentials for registry\.example\.com\/team\/web/);
    });
    expect(summary.failed).toEqual(['web']);
    expect(h.status).toEqual({ state: 'blocked', message: 'unable to fetch resource: web' });
    const last = summary.transitions.at(-1)!;
    expect(last.to === 'failed' && last.event).toMatchObject({ type: 'verify-failed', kind: 'auth-failed' });
    expect(h.logs('ERROR')).toEqual([expect.stringMatching(/^resource "web" unavailable \(auth-failed\): registry rejected credentials/)]);
  });

  it('a missing tag and a missing repository are told apart', async () => {
    charm();
    h.registry.push(`${HOST}/team/web:1`);
    h.attach('web', web(SECRET, '2'));
    const tag = (await h.hook('install')).transitions.at(-1)!;
    expect(tag.to === 'failed' && tag.event.kind).toBe('tag-not-found');
    h.attach('web', { ...web(), registryPath: `${HOST}/team/nothing:1` });
    const repo = (await h.hook('upgrade-charm')).transitions.at(-1)!;
    expect(repo.to === 'failed' && repo.event.kind).toBe('repo-not-found');
  });

  it('no clear answer: available, flagged unverified with a warning, and asked again quietly until the registry answers', async () => {
    charm();
    h.registry.push(`${HOST}/team/web:1`);
    h.registry.host(HOST, { users: { bot: SECRET }, failure: 'unreachable' });
    h.attach('web', web());
    const first = await h.hook('install');
    expect(first.flags).toEqual(expect.arrayContaining(['layer.docker-resource.web.available', 'layer.docker-resource.web.unverified']));
    expect(h.logs('WARNING')).toEqual([expect.stringMatching(/^resource "web": the registry could not confirm the image \(.+\); it stays available/)]);
    h.juju.clear();
    const again = await h.hook('update-status');
    expect(h.juju.fetchedNames).toEqual([]);
    expect(h.statuses.slice(1)).toEqual([]);
    expect(again.transitions.map((t) => `${t.from}→${t.to} ${t.event.type}`)).toEqual(['available→fetching reverify', 'fetching→available unverified']);
    h.registry.host(HOST, { users: { bot: SECRET } });
    const ok = await h.hook('update-status');
    expect(ok.transitions.at(-1)?.event.type).toBe('verified');
    expect(await flags(h)).not.toContain('layer.docker-resource.web.unverified');
    expect(ok.transitions.every((t) => t.to !== 'available' || !t.event.changed)).toBe(true);
  });

  it('per resource in metadata.yaml; off, the registry is never asked', async () => {
    charm('metadata');
    h.registry.push(`${HOST}/team/web:1`);
    h.attach('web', web());
    expect((await h.hook('install')).transitions.at(-1)?.event.type).toBe('verified');
    h.cleanup();
    charm('off');
    h.attach('web', web());
    expect((await h.hook('install')).transitions.at(-1)?.event.type).toBe('fetched');
    expect(h.registry.requests).toEqual([]);
  });
});
