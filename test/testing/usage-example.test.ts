/** The harness example of README.md ("Test your charm"), as written there (imports aside): it must keep passing. */
import { afterEach, expect, it } from '@jest/globals';
import { createHarness, type Harness } from '../../src/testing/index.js';

let h: Harness;
afterEach(() => h.cleanup());

it('install with the image: available; the charm gets imageDetails', async () => {
  h = createHarness({
    resources: { app: { type: 'oci-image', 'auto-fetch': true } },
    images: { app: { registryPath: 'registry.example/app:1', username: 'bot', password: 'pw' } },
  });
  const summary = await h.hook('install', (layer) => {
    expect(layer.getInfo('app').toImageDetails()).toEqual({ imagePath: 'registry.example/app:1', username: 'bot', password: 'pw' });
  });
  expect(summary.flags).toContain('layer.docker-resource.app.available');
  expect(h.statuses).toEqual([
    { state: 'maintenance', message: 'fetching resource: app' },
    { state: 'active', message: '' },
  ]);
});

it('a missing image blocks the unit; attaching it later converges', async () => {
  h = createHarness({ resources: { app: { type: 'oci-image', 'auto-fetch': true } } });
  await h.hook('install');
  expect(h.status).toEqual({ state: 'blocked', message: 'unable to fetch resource: app' });
  expect(h.logs('ERROR')).toEqual([expect.stringMatching(/^resource "app" unavailable \(missing\)/)]);

  h.attach('app', { registryPath: 'registry.example/app:1' });
  await h.hook('update-status');
  expect(h.steps('app')).toEqual(['idle → fetching', 'fetching → failed', 'failed → fetching', 'fetching → available']);
  expect(await h.flags()).not.toContain('layer.docker-resource.pending');
});
