/** MemoryRegistry (docker-resource/testing) answers as distribution does where the probe can tell. */
import { describe, expect, it } from '@jest/globals';
import { MemoryRegistry } from '../../src/testing/index.js';

const HOST = 'registry.example.com';
const INDEX = 'application/vnd.oci.image.index.v1+json';
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

describe('MemoryRegistry', () => {
  it('gives each push a new digest and moves the tag; the old digest stays pullable', async () => {
    const r = new MemoryRegistry().host(HOST, { auth: 'none' });
    const first = r.push(`${HOST}/team/app:1`);
    const second = r.push(`${HOST}/team/app:1`);
    expect(first).not.toBe(second);
    const byTag = await r.fetch(`https://${HOST}/v2/team/app/manifests/1`, { method: 'HEAD', headers: { Accept: MANIFEST } });
    expect(byTag.headers.get('docker-content-digest')).toBe(second);
    expect(byTag.body).toBeNull();
    const byDigest = await r.fetch(`https://${HOST}/v2/team/app/manifests/${first}`, { headers: { Accept: MANIFEST } });
    expect(byDigest.status).toBe(200);
    expect(JSON.parse(await byDigest.text())).toMatchObject({ mediaType: MANIFEST, schemaVersion: 2 });
  });

  it('serves an index only to a client that accepts it, as distribution 2.8 does', async () => {
    const r = new MemoryRegistry().host(HOST, { auth: 'none' });
    r.push(`${HOST}/team/multi:1`, { index: true });
    const url = `https://${HOST}/v2/team/multi/manifests/1`;
    expect((await r.fetch(url, { headers: { Accept: MANIFEST } })).status).toBe(404);
    const ok = await r.fetch(url, { headers: { Accept: `${INDEX}, ${MANIFEST}` } });
    expect(ok.headers.get('content-type')).toBe(INDEX);
  });

  it('answers a missing repository with MANIFEST_UNKNOWN on the manifest and NAME_UNKNOWN on tags/list', async () => {
    const r = new MemoryRegistry().host(HOST, { auth: 'none' });
    const manifest = await r.fetch(`https://${HOST}/v2/team/none/manifests/1`);
    const tags = await r.fetch(`https://${HOST}/v2/team/none/tags/list`);
    expect([manifest.status, await manifest.json()]).toEqual([404, expect.objectContaining({ errors: [expect.objectContaining({ code: 'MANIFEST_UNKNOWN' })] })]);
    expect([tags.status, await tags.json()]).toEqual([404, expect.objectContaining({ errors: [expect.objectContaining({ code: 'NAME_UNKNOWN' })] })]);
  });

  it('challenges with the realm and scope, and records requests without their credentials', async () => {
    const r = new MemoryRegistry().host(HOST, { users: { bot: 'pw-SENTINEL' } });
    r.push(`${HOST}/team/app:1`);
    const basic = `Basic ${Buffer.from('bot:pw-SENTINEL').toString('base64')}`;
    const denied = await r.fetch(`https://${HOST}/v2/team/app/manifests/1`, { method: 'HEAD' });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toBe(
      `Bearer realm="https://${HOST}/token",service="${HOST}",scope="repository:team/app:pull"`,
    );
    const token = await r.fetch(`https://${HOST}/token?scope=repository:team/app:pull`, { headers: { Authorization: basic } });
    expect(token.status).toBe(200);
    expect(r.requests.map((q) => q.authorization)).toEqual(['none', 'basic']);
    expect(JSON.stringify(r.requests)).not.toContain('pw-SENTINEL');
  });

  it('fails as the network does: unknown host, plain http, unreachable', async () => {
    const r = new MemoryRegistry().host(HOST, { failure: 'unreachable' });
    const code = (p: Promise<unknown>) => p.catch((e: { cause?: { code?: string } }) => e.cause?.code);
    expect(await code(r.fetch('https://nowhere.example/v2/'))).toBe('ENOTFOUND');
    expect(await code(r.fetch(`http://${HOST}/v2/`))).toBe('ECONNREFUSED');
    expect(await code(r.fetch(`https://${HOST}/v2/`))).toBe('ECONNREFUSED');
  });
});
