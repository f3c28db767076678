/** One host of the simulated registry ({@link MemoryRegistry}): its repositories, token service and API. */
import { randomUUID } from 'node:crypto';
import { accepts, errorResponse, jsonResponse, type StoredManifest } from './memory-registry-content.js';
import type { MemoryRegistryHostOptions } from './memory-registry.js';
import { own } from '../own.js';

/** A repository of a simulated host: tags, manifests by digest, and who may pull. */
export interface SimulatedRepository {
  tags: Map<string, string>;
  manifests: Map<string, StoredManifest>;
  public: boolean;
  readers?: Set<string>;
}

/** A simulated registry host: answers its token realm and its `/v2/` API as distribution would. */
export class SimulatedHost {
  /** Repositories by path (`team/app`, `library/nginx`). */
  readonly repos: Map<string, SimulatedRepository>;
  readonly #grants = new Map<string, { user?: string; repos: Set<string> }>();

  constructor(
    readonly options: MemoryRegistryHostOptions,
    readonly realm: URL,
    readonly service: string,
    repos = new Map<string, SimulatedRepository>(),
  ) {
    this.repos = repos;
  }

  /** Whether the URL is this host's token realm. */
  isRealm(url: URL): boolean {
    return this.realm.origin + this.realm.pathname === url.origin + url.pathname;
  }

  /** The token service's answer: a token for the scopes the caller may pull, or 401 for bad credentials. */
  async token(request: Request, url: URL): Promise<Response> {
    if (request.method === 'POST') {
      const form = new URLSearchParams(await request.text());
      const user = lookup(this.options.identityTokens, form.get('refresh_token') ?? '');
      return user === undefined ? errorResponse(401, 'UNAUTHORIZED') : this.#issue(user, form.getAll('scope'));
    }
    const header = request.headers.get('authorization');
    if (header === null) return this.#issue(undefined, url.searchParams.getAll('scope'));
    const user = this.#basicUser(header);
    return user === undefined ? errorResponse(401, 'UNAUTHORIZED') : this.#issue(user, url.searchParams.getAll('scope'));
  }

  /** The API's answer to `/v2/`, `/v2/NAME/manifests/REF` or `/v2/NAME/tags/list`. */
  api(request: Request, url: URL): Response {
    const match = /^\/v2\/(.+)\/(?:manifests\/([^/]+)|tags\/list)$/.exec(url.pathname);
    if (url.pathname !== '/v2/' && match === null) return errorResponse(404, 'NOT_FOUND');
    const name = match?.[1];
    const denied = this.#deny(request.headers.get('authorization') ?? '', name);
    if (denied !== undefined || name === undefined) return denied ?? jsonResponse(200, {});
    if (this.options.failure === 'rate-limited') return errorResponse(429, 'TOOMANYREQUESTS');
    const repo = this.repos.get(name);
    if (match?.[2] === undefined) {
      if (repo === undefined) return errorResponse(404, 'NAME_UNKNOWN');
      return jsonResponse(200, { name, tags: [...repo.tags.keys()] });
    }
    if (request.method === 'HEAD' && this.options.rejectHead === true) return new Response(null, { status: 405 });
    const reference = match[2];
    const manifest = repo?.manifests.get(repo.tags.get(reference) ?? reference);
    if (manifest === undefined || !accepts(request.headers.get('accept'), manifest.mediaType)) {
      return errorResponse(404, 'MANIFEST_UNKNOWN');
    }
    const headers: Record<string, string> = { 'Content-Type': manifest.mediaType };
    if (this.options.omitDigestHeader !== true) headers['Docker-Content-Digest'] = manifest.digest;
    return new Response(manifest.body, { status: 200, headers });
  }

  #issue(user: string | undefined, scopes: string[]): Response {
    const repos = new Set<string>();
    for (const scope of scopes) {
      const [type, name, actions] = scope.split(':');
      const pull = type === 'repository' && actions?.split(',').includes('pull') === true;
      if (pull && name !== undefined && this.#mayPull(name, user)) repos.add(name);
    }
    const token = `memory-${randomUUID()}`;
    this.#grants.set(token, { ...(user === undefined ? {} : { user }), repos });
    return jsonResponse(200, { token, access_token: token, expires_in: 300 });
  }

  /** Public or a reader may pull; a missing repository is "allowed" (to answer 404) unless the host hides it. */
  #mayPull(name: string, user: string | undefined): boolean {
    const repo = this.repos.get(name);
    if (repo === undefined) return this.options.hideMissingRepositories !== true;
    if (repo.public) return true;
    if (user === undefined) return false;
    return repo.readers?.has(user) ?? lookup(this.options.users, user) !== undefined;
  }

  /** The 401 or 403 answer when the request may not read `name` (or `/v2/` when undefined); `undefined` when it may. */
  #deny(header: string, name: string | undefined): Response | undefined {
    const auth = this.options.auth ?? 'token';
    if (auth === 'none') return undefined;
    if (auth === 'basic') {
      const user = this.#basicUser(header);
      const challenge = { 'WWW-Authenticate': 'Basic realm="memory-registry"' };
      if (user === undefined) return errorResponse(401, 'UNAUTHORIZED', challenge);
      return name === undefined || this.#mayPull(name, user) ? undefined : errorResponse(403, 'DENIED');
    }
    const token = /^bearer (.+)$/i.exec(header)?.[1] ?? '';
    const direct = lookup(this.options.registryTokens, token);
    const grant = this.#grants.get(token);
    if (direct !== undefined && (name === undefined || this.#mayPull(name, direct))) return undefined;
    if (grant !== undefined && (name === undefined || grant.repos.has(name))) return undefined;
    const scope = name === undefined ? '' : `,scope="repository:${name}:pull"`;
    const challenge = `Bearer realm="${this.realm.href}",service="${this.service}"${scope}`;
    return errorResponse(401, 'UNAUTHORIZED', { 'WWW-Authenticate': challenge });
  }

  #basicUser(header: string): string | undefined {
    const match = /^basic (.+)$/i.exec(header);
    if (match === null) return undefined;
    const text = Buffer.from(match[1] as string, 'base64').toString('utf8');
    const colon = text.indexOf(':');
    const user = text.slice(0, colon);
    return colon > 0 && lookup(this.options.users, user) === text.slice(colon + 1) ? user : undefined;
  }
}

function lookup(table: Record<string, string> | undefined, key: string): string | undefined {
  return table === undefined ? undefined : own(table, key);
}
