/** probeImage's default transport (undici, loaded lazily) on real sockets: no TLS, dead proxies, bad proxy settings. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { probeImage } from '../../src/registry/index.js';
import { freePort } from '../fixtures/registry/kit.mjs';

const SECRET = 'pw-SENTINEL-proxy-51e0';
let plain: Server;
let plainHost: string;

beforeAll(async () => {
  plain = createServer((_req, res) => res.end('plain http'));
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  plainHost = `127.0.0.1:${(plain.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => plain.close(() => resolve())));

const image = (registryPath: string) => ({ registryPath, username: 'bot', password: SECRET });

describe('probeImage over undici', () => {
  it('says a plain-http registry does not answer HTTPS (it never falls back to http)', async () => {
    const outcome = await probeImage(image(`${plainHost}/team/app:1`), { env: {} });
    expect(outcome).toEqual({ result: 'unverified', reason: expect.stringMatching(/^127\.0\.0\.1:\d+ does not answer HTTPS \([A-Z_]+\)$/) });
  });

  it('names the proxy variable when the proxy is unreachable, never its user info', async () => {
    const port = await freePort();
    const env = { JUJU_CHARM_HTTPS_PROXY: `http://proxyuser:${SECRET}@127.0.0.1:${port}` };
    const outcome = await probeImage(image('registry.example.com/team/app:1'), { env });
    expect(outcome).toEqual({
      result: 'unverified',
      reason: 'registry.example.com unreachable via JUJU_CHARM_HTTPS_PROXY (ECONNREFUSED)',
    });
  });

  it('refuses a proxy scheme it cannot speak, naming the variable only', async () => {
    const outcome = await probeImage(image('registry.example.com/team/app:1'), {
      env: { https_proxy: `socks5://u:${SECRET}@127.0.0.1:1080` },
    });
    expect(outcome).toEqual({ result: 'unverified', reason: 'https_proxy must be an http:// or https:// proxy' });
  });
});
