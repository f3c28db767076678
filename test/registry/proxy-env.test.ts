/** Proxy settings from the environment, as a Juju charm gets them, and NO_PROXY with CIDRs. */
import { describe, expect, it } from '@jest/globals';
import { bypassesProxy, parseNoProxy, proxySettingsFrom, routeFor, type ProxyRoute } from '../../src/registry/index.js';

const route = (url: string, env: Record<string, string | undefined>): ProxyRoute =>
  routeFor(new URL(url), proxySettingsFrom(env));
const via = (r: ProxyRoute): string => ('error' in r ? `error: ${r.error}` : r.direct ? 'direct' : r.proxy.href);

describe('proxySettingsFrom and routeFor', () => {
  it('goes direct with no proxy variables', () => {
    expect(via(route('https://registry.example.com/v2/', {}))).toBe('direct');
  });

  it('prefers JUJU_CHARM_HTTPS_PROXY to HTTPS_PROXY, and JUJU_CHARM_NO_PROXY to NO_PROXY', () => {
    const env = {
      JUJU_CHARM_HTTPS_PROXY: 'http://juju-proxy:3128',
      HTTPS_PROXY: 'http://plain-proxy:3128',
      JUJU_CHARM_NO_PROXY: 'internal.example',
      NO_PROXY: 'registry.example.com',
    };
    expect(via(route('https://registry.example.com/v2/', env))).toBe('http://juju-proxy:3128/');
    expect(via(route('https://r.internal.example/v2/', env))).toBe('direct');
  });

  it('reads the plain variables in any case, the uppercase spelling first; empty means unset', () => {
    expect(via(route('https://r.example/v2/', { https_proxy: 'http://lower:1' }))).toBe('http://lower:1/');
    expect(via(route('https://r.example/v2/', { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' }))).toBe(
      'http://upper:2/',
    );
    expect(via(route('https://r.example/v2/', { Juju_Charm_Https_Proxy: 'http://mixed:3' }))).toBe('http://mixed:3/');
    expect(via(route('https://r.example/v2/', { JUJU_CHARM_HTTPS_PROXY: ' ', HTTPS_PROXY: 'http://p:4' }))).toBe(
      'http://p:4/',
    );
  });

  it('uses the HTTPS proxy for https URLs and the HTTP proxy for http URLs, as Go does', () => {
    const env = { JUJU_CHARM_HTTP_PROXY: 'http://http-only:3128' };
    expect(via(route('https://r.example/v2/', env))).toBe('direct');
    expect(via(route('http://r.example/v2/', env))).toBe('http://http-only:3128/');
  });

  it('reads a proxy without a scheme as http://, keeps its user info for the agent, and rejects other schemes', () => {
    expect(via(route('https://r.example/', { HTTPS_PROXY: 'proxy.corp:8080' }))).toBe('http://proxy.corp:8080/');
    expect(via(route('https://r.example/', { HTTPS_PROXY: 'http://u:p@proxy.corp:8080' }))).toBe(
      'http://u:p@proxy.corp:8080/',
    );
    expect(via(route('https://r.example/', { HTTPS_PROXY: 'socks5://proxy.corp:1080' }))).toBe(
      'error: HTTPS_PROXY must be an http:// or https:// proxy',
    );
    expect(via(route('https://r.example/', { JUJU_CHARM_HTTPS_PROXY: 'http://[bad' }))).toBe(
      'error: JUJU_CHARM_HTTPS_PROXY is not a proxy URL',
    );
  });

  it('never treats a key named like an Object.prototype member as a proxy', () => {
    const env = Object.create({ HTTPS_PROXY: 'http://inherited:1' }) as Record<string, string>;
    expect(via(route('https://r.example/', env))).toBe('direct');
  });
});

describe('NO_PROXY', () => {
  const bypass = (list: string, host: string, port = '443'): boolean => bypassesProxy(parseNoProxy(list), host, port);

  it('matches IPv4 and IPv6 CIDR ranges against IP-literal hosts', () => {
    expect(bypass('10.0.0.0/8', '10.152.183.1')).toBe(true);
    expect(bypass('10.0.0.0/8', '11.0.0.1')).toBe(false);
    expect(bypass('192.168.1.0/24,fd00::/8', 'fd00::1')).toBe(true);
    expect(bypass('192.168.1.0/24', '192.168.2.1')).toBe(false);
    expect(bypass('10.0.0.0/8', 'ten.example')).toBe(false); // no DNS lookups
  });

  it('matches single addresses, with or without a port', () => {
    expect(bypass('127.0.0.1,::1', '127.0.0.1')).toBe(true);
    expect(bypass('127.0.0.1,::1', '::1')).toBe(true);
    expect(bypass('127.0.0.1:5000', '127.0.0.1', '5000')).toBe(true);
    expect(bypass('127.0.0.1:5000', '127.0.0.1', '443')).toBe(false);
    expect(bypass('[::1]:5000', '::1', '5000')).toBe(true);
  });

  it('matches a domain and its subdomains; a leading "." or "*." means subdomains only', () => {
    expect(bypass('example.com', 'example.com')).toBe(true);
    expect(bypass('example.com', 'registry.example.com')).toBe(true);
    expect(bypass('example.com', 'notexample.com')).toBe(false);
    expect(bypass('.example.com', 'example.com')).toBe(false);
    expect(bypass('.example.com', 'a.example.com')).toBe(true);
    expect(bypass('*.example.com', 'a.b.example.com')).toBe(true);
    expect(bypass('Registry.Example.COM:5000', 'registry.example.com', '5000')).toBe(true);
    expect(bypass('registry.example.com:5000', 'registry.example.com', '443')).toBe(false);
  });

  it('accepts "*", spaces as separators, and ignores entries it cannot read', () => {
    expect(bypass('*', 'anything.example')).toBe(true);
    expect(bypass(' a.example  b.example ', 'b.example')).toBe(true);
    expect(bypass('10.0.0.0/99,not/a/cidr,,', '10.0.0.1')).toBe(false);
  });

  it('routes a NO_PROXY CIDR match direct through the settings', () => {
    const env = { JUJU_CHARM_HTTPS_PROXY: 'http://proxy:3128', JUJU_CHARM_NO_PROXY: '127.0.0.1,10.0.0.0/8,::1' };
    expect(via(route('https://10.1.2.3:5000/v2/', env))).toBe('direct');
    expect(via(route('https://[::1]:5000/v2/', env))).toBe('direct');
    expect(via(route('https://11.1.2.3:5000/v2/', env))).toBe('http://proxy:3128/');
  });
});
