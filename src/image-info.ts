import { inspect, type InspectOptionsStylized } from 'node:util';
import { InvalidResourceError } from './errors/index.js';
import { ImageReferenceError, parseImageReference, type ImageReference } from './image-reference.js';
import { redact } from './redact.js';

/** The fields of an `oci-image` resource file, as persisted (holds credentials: never log it). */
export interface ImageFields {
  registryPath: string;
  username: string;
  password: string;
  auth?: string;
  email?: string;
  identityToken?: string;
  registryToken?: string;
  repository?: string;
  serverAddress?: string;
  region?: string;
}

/** The `imageDetails` of a Kubernetes pod spec (docs/BEHAVIOUR.md §6); credentials are omitted when empty. */
export interface ImageDetails {
  imagePath: string;
  username?: string;
  password?: string;
}

/** {@link ImageFields} with every non-empty credential replaced by `<redacted>`: safe to log or show. */
export type RedactedImageFields = Readonly<ImageFields>;

/** The fields that hold credentials (docs/BEHAVIOUR.md §5). */
export const SECRET_FIELDS = ['password', 'auth', 'identityToken', 'registryToken'] as const satisfies readonly (
  keyof ImageFields
)[];

/** The registry of an image reference without a domain. */
export const DEFAULT_REGISTRY = 'docker.io';

/** The `.dockerconfigjson` key for Docker Hub, as `docker login` and `kubectl create secret docker-registry` use. */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

/** A copy of the fields with every non-empty credential replaced by `<redacted>`, nested ones too. */
export function redactImageFields(fields: ImageFields): RedactedImageFields {
  return redact(fields);
}

/** The validated image of an `oci-image` resource; logs, JSON and inspection show it with credentials redacted. */
export class ImageInfo {
  readonly #fields: Readonly<ImageFields>;
  readonly #reference: ImageReference;
  /** The resource name from metadata.yaml, when known. */
  readonly resource: string | undefined;

  /** Wraps validated fields; throws {@link InvalidResourceError} when `registryPath` is not a valid reference. */
  constructor(fields: ImageFields, resource?: string) {
    this.#fields = Object.freeze({ ...fields });
    this.#reference = referenceOf(resource ?? '<unnamed>', fields.registryPath);
    this.resource = resource;
  }

  /** The image reference, as written in the resource file (`registrypath`). */
  get registryPath(): string {
    return this.#fields.registryPath;
  }
  /** The registry user name; empty for a public image. */
  get username(): string {
    return this.#fields.username;
  }
  /** The registry password (a credential); empty for a public image. */
  get password(): string {
    return this.#fields.password;
  }
  /** Base64 `username:password` from the file (a credential), if given. */
  get auth(): string | undefined {
    return this.#fields.auth;
  }
  /** The registry account's e-mail, if given. */
  get email(): string | undefined {
    return this.#fields.email;
  }
  /** An identity token for the registry (a credential), if given. */
  get identityToken(): string | undefined {
    return this.#fields.identityToken;
  }
  /** A bearer token for the registry (a credential), if given. */
  get registryToken(): string | undefined {
    return this.#fields.registryToken;
  }
  /** The repository, if given. */
  get repository(): string | undefined {
    return this.#fields.repository;
  }
  /** The registry server address for authentication, if given. */
  get serverAddress(): string | undefined {
    return this.#fields.serverAddress;
  }
  /** The registry region (e.g. for ECR), if given. */
  get region(): string | undefined {
    return this.#fields.region;
  }
  /** The parsed `registryPath`. */
  get reference(): ImageReference {
    return { ...this.#reference };
  }
  /** The registry host of the image: the reference's domain, or `docker.io` when it has none (Docker Hub). */
  get registry(): string {
    return this.#reference.domain ?? DEFAULT_REGISTRY;
  }

  /** The pod spec `imageDetails` (`imagePath`, plus `username`/`password` when non-empty). */
  toImageDetails(): ImageDetails {
    const { registryPath, username, password } = this.#fields;
    return {
      imagePath: registryPath,
      ...(username === '' ? {} : { username }),
      ...(password === '' ? {} : { password }),
    };
  }

  /**
   * The `.dockerconfigjson` of a Kubernetes image pull secret (holds credentials).
   * The key is `serverAddress` if given, else the registry (`https://index.docker.io/v1/` for Docker Hub).
   */
  toDockerConfigJson(): string {
    const f = this.#fields;
    const basic = f.username === '' && f.password === '' ? undefined : base64(`${f.username}:${f.password}`);
    const auth = f.auth ?? basic;
    const entry = {
      username: f.username,
      password: f.password,
      ...(auth === undefined ? {} : { auth }),
      ...(f.email === undefined ? {} : { email: f.email }),
      ...(f.identityToken === undefined ? {} : { identitytoken: f.identityToken }),
      ...(f.registryToken === undefined ? {} : { registrytoken: f.registryToken }),
    };
    return JSON.stringify({ auths: { [this.#authKey()]: entry } });
  }

  /** A copy of the fields, credentials included: for persistence, never for logs. */
  fields(): ImageFields {
    return { ...this.#fields };
  }

  /** The fields with credentials redacted (what `JSON.stringify` shows). */
  toJSON(): RedactedImageFields {
    return redactImageFields(this.#fields);
  }

  /** `ImageInfo(<registryPath>)`. */
  toString(): string {
    return `ImageInfo(${this.#fields.registryPath})`;
  }

  /** Shows the redacted fields in `console.log` and `util.inspect`. */
  [inspect.custom](_depth: number, options: InspectOptionsStylized, inspectFn: typeof inspect): string {
    return `ImageInfo ${inspectFn(this.toJSON(), options)}`;
  }

  #authKey(): string {
    if (this.#fields.serverAddress !== undefined) return this.#fields.serverAddress;
    const registry = this.registry;
    return registry === 'docker.io' || registry === 'index.docker.io' ? DOCKER_HUB_AUTH_KEY : registry;
  }
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** Parses a resource's `registrypath`, or throws an {@link InvalidResourceError} that says why it is not a reference. */
export function referenceOf(resource: string, registryPath: string): ImageReference {
  try {
    return parseImageReference(registryPath);
  } catch (error) {
    if (!(error instanceof ImageReferenceError)) throw error;
    throw new InvalidResourceError(resource, `"registrypath" is not a valid image reference: ${error.reason}`, {
      cause: error,
    });
  }
}
