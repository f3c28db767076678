/**
 * An in-process Docker Registry HTTP API v2 for tests: hand its `fetch` to `probeImage`; nothing touches
 * the network.
 */
import { targetOf } from '../registry/target.js';
import { errorResponse, imageManifests, networkFailure } from './memory-registry-content.js';
import { SimulatedHost, type SimulatedRepository } from './memory-registry-host.js';

/** How a simulated host authenticates: the Bearer token flow (default), HTTP Basic, or not at all. */
export type MemoryRegistryAuth = 'token' | 'basic' | 'none';

/** How a simulated host misbehaves: refuses connections, has an untrusted certificate, answers 429 or 503. */
export type MemoryRegistryFailure = 'unreachable' | 'untrusted-certificate' | 'rate-limited' | 'server-error';

/** How a simulated registry host behaves. */
export interface MemoryRegistryHostOptions {
  /** The authentication scheme; default `token`. */
  auth?: MemoryRegistryAuth;
  /** Accounts: user name → password. */
  users?: Record<string, string>;
  /** Identity (OAuth2 refresh) tokens the token service accepts: token → user name. */
  identityTokens?: Record<string, string>;
  /** Registry tokens the registry accepts as Bearer tokens directly: token → user name. */
  registryTokens?: Record<string, string>;
  /** The token realm; default `https://HOST/token` (`https://auth.docker.io/token` for Docker Hub). */
  realm?: string;
  /** Answer 401, not 404, for a missing repository, as Docker Hub does; default true for Docker Hub only. */
  hideMissingRepositories?: boolean;
  /** Make the host fail this way. */
  failure?: MemoryRegistryFailure;
  /** Leave `Docker-Content-Digest` out of manifest answers, as some registries do. */
  omitDigestHeader?: boolean;
  /** Answer 405 to `HEAD`, as some registries do. */
  rejectHead?: boolean;
  /** Wait this long before each answer (the request's signal still aborts it). */
  delayMs?: number;
}

/** Who may pull a pushed image, and whether to push an image index. */
export interface MemoryRegistryPushOptions {
  /** Anyone may pull, without credentials. Default false. */
  public?: boolean;
  /** Users who may pull; default every user of the host. */
  readers?: readonly string[];
  /** Push an OCI image index over one manifest instead of a manifest. */
  index?: boolean;
}

/** One request the simulated registry received; the credential itself is never recorded. */
export interface MemoryRegistryRequest {
  method: string;
  url: string;
  authorization: 'none' | 'basic' | 'bearer';
}

const HUB_API = 'registry-1.docker.io';

/** A simulated registry: hosts, repositories, accounts and faults, served through {@link MemoryRegistry.fetch}. */
export class MemoryRegistry {
  /** Every request received, in order (method, URL, scheme of the `Authorization` header). */
  readonly requests: MemoryRegistryRequest[] = [];
  readonly #hosts = new Map<string, SimulatedHost>();
  readonly #realms = new Map<string, SimulatedHost>();
  #pushes = 0;

  /** Adds (or reconfigures) a host, named as in an image reference (`registry.example.com:5000`, `docker.io`). */
  host(domain: string, options: MemoryRegistryHostOptions = {}): this {
    const hub = isHub(domain);
    const name = hub ? HUB_API : domain.toLowerCase();
    const resolved = { ...(hub ? { hideMissingRepositories: true } : {}), ...options };
    const realm = new URL(options.realm ?? (hub ? 'https://auth.docker.io/token' : `https://${name}/token`));
    const old = this.#hosts.get(name);
    const host = new SimulatedHost(resolved, realm, hub ? 'registry.docker.io' : name, old?.repos);
    for (const [key, value] of this.#realms) if (value === old) this.#realms.delete(key);
    this.#hosts.set(name, host);
    this.#realms.set(realm.origin + realm.pathname, host);
    return this;
  }

  /** Pushes a new image (a new digest each time) under the reference's tag; returns the manifest's digest. */
  push(reference: string, options: MemoryRegistryPushOptions = {}): string {
    // The host and repository the probe will ask for this reference (src/registry/target.ts), the host as a URL spells it.
    const target = targetOf(reference);
    const path = target.repository;
    const name = target.apiHost.toLowerCase();
    if (!this.#hosts.has(name)) this.host(target.apiHost);
    const host = this.#hosts.get(name) as SimulatedHost;
    const repo: SimulatedRepository = host.repos.get(path) ?? { tags: new Map(), manifests: new Map(), public: false };
    repo.public = options.public ?? repo.public;
    if (options.readers !== undefined) repo.readers = new Set(options.readers);
    const { top, all } = imageManifests(`${reference}#${++this.#pushes}`, options.index ?? false);
    for (const m of all) repo.manifests.set(m.digest, m);
    repo.tags.set(target.tag ?? 'latest', top.digest);
    host.repos.set(path, repo);
    return top.digest;
  }

  /** A `fetch` that answers as the simulated hosts would; unknown hosts fail as DNS does (`ENOTFOUND`). */
  readonly fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const header = request.headers.get('authorization') ?? '';
    const scheme = /^basic /i.test(header) ? 'basic' : /^bearer /i.test(header) ? 'bearer' : 'none';
    this.requests.push({ method: request.method, url: url.href, authorization: scheme });
    const host = this.#realms.get(url.origin + url.pathname) ?? this.#hosts.get(url.host);
    if (host === undefined) throw networkFailure('ENOTFOUND', url.host);
    if (url.protocol !== 'https:') throw networkFailure('ECONNREFUSED', url.host);
    if (host.options.delayMs !== undefined) await delay(host.options.delayMs, init?.signal ?? undefined);
    init?.signal?.throwIfAborted();
    const failure = host.options.failure;
    if (failure === 'unreachable') throw networkFailure('ECONNREFUSED', url.host);
    if (failure === 'untrusted-certificate') throw networkFailure('DEPTH_ZERO_SELF_SIGNED_CERT', url.host);
    if (failure === 'server-error') return errorResponse(503, 'UNAVAILABLE');
    const answer = host.isRealm(url) ? await host.token(request, url) : host.api(request, url);
    const response = request.method === 'HEAD' ? new Response(null, answer) : answer;
    Object.defineProperty(response, 'url', { value: url.href });
    return response;
  };
}

function isHub(domain: string): boolean {
  return ['docker.io', 'index.docker.io', HUB_API].includes(domain.toLowerCase());
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    const abort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', abort, { once: true });
  });
}
