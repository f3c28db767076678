/** probeImage against the in-process registry: every outcome, the requests it sends, and no secret anywhere. */
import { describe, expect, it } from '@jest/globals';
import type { ImageFields } from '../../src/image-info.js';
import { MAX_REASON_LENGTH, probeImage, type ProbeOptions, type ProbeOutcome } from '../../src/registry/index.js';
import { MemoryRegistry } from '../../src/testing/index.js';

const SECRET = 'pw-SENTINEL-9f3a';
const HOST = 'registry.example.com';

function image(registryPath: string, credentials: Partial<ImageFields> = {}): ImageFields {
  return { registryPath, username: '', password: '', ...credentials };
}
const alice = { username: 'alice', password: SECRET };

function registry(options: Parameters<MemoryRegistry['host']>[1] = {}): MemoryRegistry {
  return new MemoryRegistry().host(HOST, { users: { alice: SECRET }, ...options });
}

async function probe(r: MemoryRegistry, fields: ImageFields, options: ProbeOptions = {}): Promise<ProbeOutcome> {
  const outcome = await probeImage(fields, { fetch: r.fetch, ...options });
  if ('reason' in outcome) {
    expect(outcome.reason.length).toBeLessThan(MAX_REASON_LENGTH);
    expect(outcome.reason).not.toContain(SECRET);
  }
  expect(JSON.stringify(outcome)).not.toContain(SECRET);
  expect(JSON.stringify(outcome)).not.toMatch(/memory-[0-9a-f-]{36}/); // a token the simulated realm issued
  return outcome;
}

const manifestRequests = (r: MemoryRegistry): string[] =>
  r.requests.filter((q) => q.url.includes('/manifests/')).map((q) => q.method);

describe('probeImage: found', () => {
  it('finds a private image by tag through the token flow, with one HEAD and the registry digest', async () => {
    const r = registry();
    const digest = r.push(`${HOST}/team/app:1`);
    expect(await probe(r, image(`${HOST}/team/app:1`, alice))).toEqual({ result: 'found', digest });
    expect(r.requests.map((q) => `${q.method} ${new URL(q.url).pathname} ${q.authorization}`)).toEqual([
      'GET /v2/ none',
      'GET /token basic',
      'HEAD /v2/team/app/manifests/1 bearer',
    ]);
    const token = new URL(r.requests[1]?.url ?? '');
    expect(token.searchParams.get('scope')).toBe('repository:team/app:pull');
    expect(token.searchParams.get('service')).toBe(HOST);
  });

  it('finds an image by digest, and an image index', async () => {
    const r = registry();
    const digest = r.push(`${HOST}/team/app:1`);
    const index = r.push(`${HOST}/team/multi:1`, { index: true });
    expect(await probe(r, image(`${HOST}/team/app@${digest}`, alice))).toEqual({ result: 'found', digest });
    expect(await probe(r, image(`${HOST}/team/app:1@${digest}`, alice))).toEqual({ result: 'found', digest });
    expect(await probe(r, image(`${HOST}/team/multi:1`, alice))).toEqual({ result: 'found', digest: index });
  });

  it('asks for latest when the reference has no tag', async () => {
    const r = registry();
    const digest = r.push(`${HOST}/team/app`);
    expect(await probe(r, image(`${HOST}/team/app`, alice))).toEqual({ result: 'found', digest });
    expect(r.requests.at(-1)?.url).toBe(`https://${HOST}/v2/team/app/manifests/latest`);
  });

  it('gets an anonymous token for a public image', async () => {
    const r = registry();
    const digest = r.push(`${HOST}/pub/app:1`, { public: true });
    expect(await probe(r, image(`${HOST}/pub/app:1`))).toEqual({ result: 'found', digest });
    expect(r.requests[1]?.authorization).toBe('none');
  });

  it('maps Docker Hub names to registry-1.docker.io and library/, with the realm on auth.docker.io', async () => {
    const r = new MemoryRegistry().host('docker.io');
    const digest = r.push('nginx:1.27', { public: true });
    expect(await probe(r, image('nginx:1.27'))).toEqual({ result: 'found', digest });
    expect(await probe(r, image('docker.io/library/nginx:1.27'))).toEqual({ result: 'found', digest });
    expect(r.requests.slice(0, 3).map((q) => q.url)).toEqual([
      'https://registry-1.docker.io/v2/',
      'https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Alibrary%2Fnginx%3Apull',
      'https://registry-1.docker.io/v2/library/nginx/manifests/1.27',
    ]);
  });

  it('uses Basic auth when the registry asks for it', async () => {
    const r = registry({ auth: 'basic' });
    const digest = r.push(`${HOST}/team/app:1`);
    expect(await probe(r, image(`${HOST}/team/app:1`, alice))).toEqual({ result: 'found', digest });
    expect(r.requests.map((q) => q.authorization)).toEqual(['none', 'basic']);
  });

  it('takes credentials from "auth" when user and password are empty', async () => {
    const r = registry({ auth: 'basic' });
    const digest = r.push(`${HOST}/team/app:1`);
    const auth = Buffer.from(`alice:${SECRET}`).toString('base64');
    expect(await probe(r, image(`${HOST}/team/app:1`, { auth }))).toEqual({ result: 'found', digest });
  });

  it('sends a registrytoken as the Bearer token, with no token request', async () => {
    const r = registry({ registryTokens: { [SECRET]: 'alice' } });
    const digest = r.push(`${HOST}/team/app:1`);
    expect(await probe(r, image(`${HOST}/team/app:1`, { registryToken: SECRET }))).toEqual({ result: 'found', digest });
    expect(r.requests.map((q) => q.method)).toEqual(['GET', 'HEAD']);
  });

  it('exchanges an identitytoken at the realm (POST, refresh_token grant)', async () => {
    const r = registry({ identityTokens: { [SECRET]: 'alice' } });
    const digest = r.push(`${HOST}/team/app:1`);
    expect(await probe(r, image(`${HOST}/team/app:1`, { identityToken: SECRET }))).toEqual({ result: 'found', digest });
    expect(r.requests[1]).toEqual({ method: 'POST', url: `https://${HOST}/token`, authorization: 'none' });
  });

  it('falls back to one GET and hashes the body when HEAD omits Docker-Content-Digest', async () => {
    const r = registry({ omitDigestHeader: true });
    const digest = r.push(`${HOST}/team/app:1`);
    expect(await probe(r, image(`${HOST}/team/app:1`, alice))).toEqual({ result: 'found', digest });
    expect(manifestRequests(r)).toEqual(['HEAD', 'GET']);
  });

  it('falls back to one GET when HEAD is not allowed (405)', async () => {
    const r = registry({ rejectHead: true });
    const digest = r.push(`${HOST}/team/app:1`, { index: true });
    expect(await probe(r, image(`${HOST}/team/app:1`, alice))).toEqual({ result: 'found', digest });
    expect(manifestRequests(r)).toEqual(['HEAD', 'GET']);
  });

  it('authenticates after the manifest challenges when /v2/ needed no credentials', async () => {
    const r = registry();
    const digest = r.push(`${HOST}/team/app:1`);
    const openPing: typeof fetch = async (input, init) =>
      new URL(String(input)).pathname === '/v2/' ? new Response('{}', { status: 200 }) : r.fetch(input, init);
    expect(await probeImage(image(`${HOST}/team/app:1`, alice), { fetch: openPing })).toEqual({ result: 'found', digest });
    expect(r.requests.map((q) => `${q.method} ${new URL(q.url).pathname} ${q.authorization}`)).toEqual([
      'HEAD /v2/team/app/manifests/1 none',
      'GET /token basic',
      'HEAD /v2/team/app/manifests/1 bearer',
    ]);
  });

  it('needs no credentials on a registry without authentication', async () => {
    const r = registry({ auth: 'none' });
    const digest = r.push(`${HOST}/team/app:1`);
    expect(await probe(r, image(`${HOST}/team/app:1`))).toEqual({ result: 'found', digest });
    expect(r.requests.map((q) => q.method)).toEqual(['GET', 'HEAD']);
  });
});

describe('probeImage: clear failures', () => {
  it('auth-failed: the token service rejects the password', async () => {
    const r = registry();
    r.push(`${HOST}/team/app:1`);
    const outcome = await probe(r, image(`${HOST}/team/app:1`, { username: 'alice', password: `wrong-${SECRET}` }));
    expect(outcome).toEqual({
      result: 'failed',
      kind: 'auth-failed',
      reason: `registry rejected credentials for ${HOST}/team/app`,
    });
    expect(manifestRequests(r)).toEqual([]);
  });

  it('auth-failed: a Basic registry rejects the password', async () => {
    const r = registry({ auth: 'basic' });
    r.push(`${HOST}/team/app:1`);
    expect(await probe(r, image(`${HOST}/team/app:1`, { username: 'alice', password: 'nope' }))).toMatchObject({
      kind: 'auth-failed',
    });
  });

  it('auth-required: no credentials for a private image', async () => {
    const basic = registry({ auth: 'basic' });
    basic.push(`${HOST}/team/app:1`);
    expect(await probe(basic, image(`${HOST}/team/app:1`))).toEqual({
      result: 'failed',
      kind: 'auth-required',
      reason: `${HOST}/team/app requires credentials; none given`,
    });
    const token = registry();
    token.push(`${HOST}/team/app:1`);
    expect(await probe(token, image(`${HOST}/team/app:1`))).toEqual({
      result: 'failed',
      kind: 'auth-required',
      reason: `${HOST}/team/app: denied or does not exist; no credentials given`,
    });
  });

  it('repo-not-found and tag-not-found, told apart by tags/list', async () => {
    const r = registry();
    r.push(`${HOST}/team/app:1`);
    expect(await probe(r, image(`${HOST}/team/nope:1`, alice))).toEqual({
      result: 'failed',
      kind: 'repo-not-found',
      reason: `repository ${HOST}/team/nope not found`,
    });
    expect(await probe(r, image(`${HOST}/team/app:2`, alice))).toEqual({
      result: 'failed',
      kind: 'tag-not-found',
      reason: `tag 2 not found in ${HOST}/team/app`,
    });
    expect(r.requests.filter((q) => q.url.endsWith('/tags/list?n=1'))).toHaveLength(2);
  });

  it('Docker Hub: a missing repository answers 401, so the reason says "denied or does not exist"', async () => {
    const r = new MemoryRegistry().host('docker.io', { users: { alice: SECRET } });
    expect(await probe(r, image('alice/typo:1', alice))).toEqual({
      result: 'failed',
      kind: 'repo-not-found',
      reason: 'docker.io/alice/typo: pull access denied or repository does not exist',
    });
    expect(await probe(r, image('typo:1'))).toMatchObject({ kind: 'auth-required' });
  });

  it('digest-mismatch: a pinned digest the repository does not hold, or a registry serving other content', async () => {
    const r = registry();
    r.push(`${HOST}/team/app:1`);
    const other = `sha256:${'0'.repeat(64)}`;
    expect(await probe(r, image(`${HOST}/team/app:1@${other}`, alice))).toEqual({
      result: 'failed',
      kind: 'digest-mismatch',
      reason: `no manifest sha256:000000000000… in ${HOST}/team/app`,
    });
    const lying = fetchRewriting(r, (res) => {
      const headers = new Headers(res.headers);
      if (headers.has('docker-content-digest')) headers.set('docker-content-digest', `sha256:${'1'.repeat(64)}`);
      return new Response(res.body, { status: res.status, headers });
    });
    const pinned = r.push(`${HOST}/team/app:3`);
    expect(await probeImage(image(`${HOST}/team/app@${pinned}`, alice), { fetch: lying })).toEqual({
      result: 'failed',
      kind: 'digest-mismatch',
      reason: `${HOST}/team/app serves sha256:111111111111…, not the pinned ${pinned.slice(0, 19)}…`,
    });
  });

  it('keeps reasons under 120 characters for the longest names and tags', async () => {
    const r = registry();
    const path = `${'a'.repeat(60)}/${'b'.repeat(60)}`;
    r.push(`${HOST}/${path}:1`);
    const outcome = await probe(r, image(`${HOST}/${path}:${'t'.repeat(128)}`, alice));
    expect(outcome).toMatchObject({ kind: 'tag-not-found', reason: expect.stringContaining('…') });
  });

  it('a user who may not read the repository gets "denied or does not exist"', async () => {
    const r = registry({ users: { alice: SECRET, bob: 'b' } });
    r.push(`${HOST}/team/app:1`, { readers: ['bob'] });
    expect(await probe(r, image(`${HOST}/team/app:1`, alice))).toMatchObject({
      kind: 'repo-not-found',
      reason: `${HOST}/team/app: pull access denied or repository does not exist`,
    });
  });
});

describe('probeImage: unverified', () => {
  const cases: Array<[string, Parameters<MemoryRegistry['host']>[1], RegExp]> = [
    ['unreachable', { failure: 'unreachable' }, /^registry\.example\.com unreachable \(ECONNREFUSED\)$/],
    [
      'untrusted certificate',
      { failure: 'untrusted-certificate' },
      /^certificate of registry\.example\.com not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\); see NODE_EXTRA_CA_CERTS$/,
    ],
    ['rate limited', { failure: 'rate-limited' }, /^registry\.example\.com rate limited the probe \(HTTP 429\)$/],
    ['server error', { failure: 'server-error' }, /^registry\.example\.com answered HTTP 503 \(server error\)$/],
  ];
  it.each(cases)('%s', async (_name, options, reason) => {
    const r = registry(options);
    r.push(`${HOST}/team/app:1`);
    const outcome = await probe(r, image(`${HOST}/team/app:1`, alice));
    expect(outcome.result).toBe('unverified');
    expect(outcome).toMatchObject({ reason: expect.stringMatching(reason) });
  });

  it('an unknown host', async () => {
    const outcome = await probe(new MemoryRegistry(), image('nowhere.example/app:1', alice));
    expect(outcome).toEqual({ result: 'unverified', reason: 'nowhere.example unreachable (ENOTFOUND)' });
  });

  it('its own time limit', async () => {
    const r = registry({ delayMs: 5_000 });
    const outcome = await probe(r, image(`${HOST}/team/app:1`, alice), { timeoutMs: 50 });
    expect(outcome).toEqual({ result: 'unverified', reason: `no answer from ${HOST} within 50 ms` });
  });

  it('refuses a realm over plain http, and an unrelated realm when credentials would go there', async () => {
    const plain = registry({ realm: `http://${HOST}/token` });
    expect(await probe(plain, image(`${HOST}/team/app:1`))).toEqual({
      result: 'unverified',
      reason: `token realm on ${HOST} is not https; refused`,
    });
    const elsewhere = registry({ realm: 'https://collector.evil.test/token' });
    expect(await probe(elsewhere, image(`${HOST}/team/app:1`, alice))).toEqual({
      result: 'unverified',
      reason: 'token realm collector.evil.test is unrelated to the registry; credentials not sent',
    });
    expect(elsewhere.requests.map((q) => new URL(q.url).host)).toEqual([HOST]);
  });

  it('names the token service, not the registry, when the token service is the one that cannot be reached', async () => {
    const tokenHostDown: typeof fetch = async (input) => {
      if (new URL(String(input)).host !== HOST) throw new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo'), { code: 'ENOTFOUND' }) });
      return new Response('', { status: 401, headers: { 'WWW-Authenticate': `Bearer realm="https://auth.${HOST}/token"` } });
    };
    expect(await probeImage(image(`${HOST}/team/app:1`, alice), { fetch: tokenHostDown })).toEqual({
      result: 'unverified',
      reason: `auth.${HOST} unreachable (ENOTFOUND)`,
    });
  });

  it('judges the realm against the registry of the image, not against a host a redirect led to', async () => {
    const sent: Array<{ url: string; authorization: string | null }> = [];
    // The registry redirects /v2/ to collector.evil.test, which challenges with a realm of its own.
    const redirecting: typeof fetch = async (input, init) => {
      const url = String(input);
      sent.push({ url, authorization: new Headers(init?.headers).get('authorization') });
      const answer = new Response('', { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="https://collector.evil.test/token"' } });
      return Object.defineProperty(answer, 'url', { value: 'https://collector.evil.test/v2/' });
    };
    expect(await probeImage(image(`${HOST}/team/app:1`, alice), { fetch: redirecting })).toEqual({
      result: 'unverified',
      reason: 'token realm collector.evil.test is unrelated to the registry; credentials not sent',
    });
    expect(sent).toEqual([{ url: `https://${HOST}/v2/`, authorization: null }]);
  });

  it('a registry that is not a registry API (404 on /v2/)', async () => {
    const notRegistry: typeof fetch = async () => new Response('no', { status: 404 });
    expect(await probeImage(image(`${HOST}/a:1`), { fetch: notRegistry })).toEqual({
      result: 'unverified',
      reason: `${HOST} answered HTTP 404`,
    });
  });

  it('a registrypath that is not a reference', async () => {
    expect(await probe(new MemoryRegistry(), image('Not A Reference'))).toEqual({
      result: 'unverified',
      reason: 'registrypath is not a valid image reference',
    });
  });
});

describe('probeImage: the caller', () => {
  it('rejects with the signal reason when the caller aborts', async () => {
    const r = registry({ delayMs: 5_000 });
    const controller = new AbortController();
    const reason = new Error('fetch time limit');
    const pending = probeImage(image(`${HOST}/team/app:1`, alice), { fetch: r.fetch, signal: controller.signal });
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('never rejects, even when the fetch it was given throws a message holding the password', async () => {
    const leaky: typeof fetch = async () => {
      throw new Error(`connect to https://alice:${SECRET}@${HOST} failed`);
    };
    const outcome = await probeImage(image(`${HOST}/a:1`, alice), { fetch: leaky });
    expect(outcome).toEqual({ result: 'unverified', reason: `request to ${HOST} failed` });
  });

  it('sends the password only to the realm, never to the registry API', async () => {
    const r = registry();
    r.push(`${HOST}/team/app:1`);
    const seen: Array<{ url: string; authorization: string | null }> = [];
    const spy: typeof fetch = async (input, init) => {
      seen.push({ url: String(input), authorization: new Headers(init?.headers).get('authorization') });
      return r.fetch(input, init);
    };
    await probeImage(image(`${HOST}/team/app:1`, alice), { fetch: spy });
    const basic = `Basic ${Buffer.from(`alice:${SECRET}`).toString('base64')}`;
    expect(seen.filter((s) => s.authorization === basic).map((s) => new URL(s.url).pathname)).toEqual(['/token']);
  });
});

describe('probeImage: secrets', () => {
  it('no outcome, reason or recorded request holds a password, identity token or registry token', async () => {
    const fields = [
      { username: 'alice', password: SECRET },
      { username: 'alice', password: `${SECRET}-wrong` },
      { identityToken: SECRET },
      { identityToken: `${SECRET}-wrong` },
      { registryToken: SECRET },
      { auth: Buffer.from(`alice:${SECRET}`).toString('base64') },
    ];
    const hosts: Array<Parameters<MemoryRegistry['host']>[1]> = [
      {},
      { auth: 'basic' },
      { failure: 'unreachable' },
      { failure: 'rate-limited' },
      { realm: 'https://elsewhere.test/token' },
      { identityTokens: { [SECRET]: 'alice' }, registryTokens: { [SECRET]: 'alice' } },
    ];
    let probes = 0;
    for (const options of hosts) {
      const r = registry(options);
      r.push(`${HOST}/team/app:1`);
      for (const f of fields) {
        for (const path of ['team/app:1', 'team/app:2', 'team/none:1']) {
          await probe(r, image(`${HOST}/${path}`, f));
          probes++;
        }
      }
      expect(JSON.stringify(r.requests)).not.toContain(SECRET);
    }
    expect(probes).toBe(hosts.length * fields.length * 3);
  });
});

function fetchRewriting(r: MemoryRegistry, rewrite: (res: Response) => Response): typeof fetch {
  return async (input, init) => rewrite(await r.fetch(input, init));
}
