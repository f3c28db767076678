import { createHash } from 'node:crypto';
import { inspect, type InspectOptionsStylized } from 'node:util';
import { load, YAMLException } from 'js-yaml';
import { InvalidResourceError, MissingResourceError } from './errors/index.js';
import { ImageReferenceError, parseImageReference, type ImageReference } from './image-reference.js';
import { REDACTED } from './redact.js';

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

/** The `imageDetails` of a Kubernetes pod spec (BEHAVIOUR.md §6); credentials are omitted when empty. */
export interface ImageDetails {
  imagePath: string;
  username?: string;
  password?: string;
}

/** {@link ImageFields} with every non-empty credential replaced by `<redacted>`: safe to log or show. */
export type RedactedImageFields = Readonly<ImageFields>;

/** The fields that hold credentials (BEHAVIOUR.md §5). */
export const SECRET_FIELDS = ['password', 'auth', 'identityToken', 'registryToken'] as const satisfies readonly (
  keyof ImageFields
)[];

/** The largest resource file accepted, in bytes (a real one is a few hundred bytes). */
export const MAX_RESOURCE_BYTES = 64 * 1024;

/** The most YAML aliases (`*name`) a resource file may use; Juju writes none (guards against "billion laughs"). */
export const MAX_YAML_ALIASES = 8;

/** The registry of an image reference without a domain. */
export const DEFAULT_REGISTRY = 'docker.io';

/** The `.dockerconfigjson` key for Docker Hub, as `docker login` and `kubectl create secret docker-registry` use. */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

type OptionalField = Exclude<keyof ImageFields, 'registryPath' | 'username' | 'password'>;

/** Lowercased file keys → fields; `imagename` is the JSON spelling of `registrypath`. */
const FIELD_BY_KEY: ReadonlyMap<string, keyof ImageFields> = new Map<string, keyof ImageFields>([
  ['registrypath', 'registryPath'],
  ['imagename', 'registryPath'],
  ['username', 'username'],
  ['password', 'password'],
  ['auth', 'auth'],
  ['email', 'email'],
  ['identitytoken', 'identityToken'],
  ['registrytoken', 'registryToken'],
  ['repository', 'repository'],
  ['serveraddress', 'serverAddress'],
  ['region', 'region'],
]);

const OPTIONAL_FIELDS: readonly OptionalField[] = [
  'auth',
  'email',
  'identityToken',
  'registryToken',
  'repository',
  'serverAddress',
  'region',
];

/**
 * Parses and validates the text of an `oci-image` resource file (Juju's YAML or a user's JSON).
 *
 * Keys match case-insensitively and unknown keys are ignored; a `null` value counts as absent; empty
 * optional fields are omitted. Throws {@link MissingResourceError} for an empty file and
 * {@link InvalidResourceError} for anything else wrong; no message ever holds a credential or the text.
 */
export function parseImageFile(resource: string, content: string | Uint8Array): ImageFields {
  const text = decode(resource, content);
  if (text.trim() === '') throw new MissingResourceError(resource, 'resource file is empty');
  return toFields(resource, loadDocument(resource, text));
}

/** `sha256:<hex>` of the fields in canonical form: equal for the same content in YAML or JSON, in any key order. */
export function contentDigest(fields: ImageFields): string {
  const entries = Object.entries(fields)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonical = JSON.stringify(Object.fromEntries(entries));
  return `sha256:${createHash('sha256').update(canonical, 'utf8').digest('hex')}`;
}

/** A copy of the fields with every non-empty credential replaced by `<redacted>`. */
export function redactImageFields(fields: ImageFields): RedactedImageFields {
  const copy: ImageFields = { ...fields };
  for (const key of SECRET_FIELDS) {
    if (copy[key] !== undefined && copy[key] !== '') copy[key] = REDACTED;
  }
  return copy;
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

/** Checks the size before anything else, then rejects binary and non-UTF-8 content. */
function decode(resource: string, content: string | Uint8Array): string {
  const tooLarge = (): InvalidResourceError =>
    new InvalidResourceError(resource, `resource file is larger than ${MAX_RESOURCE_BYTES} bytes`);
  let text: string;
  if (typeof content === 'string') {
    // A UTF-16 code unit takes at least one UTF-8 byte, so a long string is rejected without encoding it.
    if (content.length > MAX_RESOURCE_BYTES) throw tooLarge();
    if (new TextEncoder().encode(content).byteLength > MAX_RESOURCE_BYTES) throw tooLarge();
    text = content;
  } else {
    if (content.byteLength > MAX_RESOURCE_BYTES) throw tooLarge();
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(content);
    } catch {
      throw new InvalidResourceError(resource, 'resource file is not valid UTF-8 text (is it binary?)');
    }
  }
  if (text.includes('\0')) throw new InvalidResourceError(resource, 'resource file holds NUL bytes (is it binary?)');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/** Loads one YAML (or JSON) document; reports js-yaml's short reason, never the snippet of the text. */
function loadDocument(resource: string, text: string): unknown {
  try {
    return load(text, { maxAliases: MAX_YAML_ALIASES, maxDepth: 20 });
  } catch (error) {
    // No `cause`: a YAMLException's message quotes the text, which may hold a password.
    throw new InvalidResourceError(resource, `resource file is not valid YAML or JSON: ${yamlReason(error)}`);
  }
}

/** js-yaml's reason with its position; tag and anchor names it quotes are dropped (they come from the text). */
function yamlReason(error: unknown): string {
  if (!(error instanceof YAMLException)) return 'the parser failed';
  const reason = error.reason
    .replace(/!<[^>]*>/g, '!<…>')
    .replace(/"[^"]*"/g, '"…"')
    .replace(/(such characters):.*$/s, '$1');
  const mark = error.mark;
  return mark === undefined ? reason : `${reason} (line ${mark.line + 1}, column ${mark.column + 1})`;
}

/** Maps a loaded document to fields, checking types, the required `registrypath` and its grammar. */
function toFields(resource: string, document: unknown): ImageFields {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new InvalidResourceError(
      resource,
      `resource file must be a mapping with a "registrypath" key, got ${describe(document)}`,
    );
  }
  const values = new Map<keyof ImageFields, { key: string; value: string }>();
  for (const [key, value] of Object.entries(document)) {
    const field = FIELD_BY_KEY.get(key.toLowerCase());
    if (field === undefined || value === null) continue;
    if (typeof value !== 'string') {
      throw new InvalidResourceError(resource, `field "${key}" must be a string, got ${describe(value)}`);
    }
    const earlier = values.get(field);
    if (earlier !== undefined && earlier.value !== value) {
      throw new InvalidResourceError(resource, `fields "${earlier.key}" and "${key}" conflict: give only one`);
    }
    values.set(field, { key, value });
  }

  const registryPath = values.get('registryPath')?.value ?? '';
  if (registryPath === '') {
    throw new InvalidResourceError(resource, 'resource file has no "registrypath" (the image reference)');
  }
  referenceOf(resource, registryPath);
  const fields: ImageFields = {
    registryPath,
    username: values.get('username')?.value ?? '',
    password: values.get('password')?.value ?? '',
  };
  for (const field of OPTIONAL_FIELDS) {
    const value = values.get(field)?.value;
    if (value !== undefined && value !== '') fields[field] = value;
  }
  return fields;
}

function referenceOf(resource: string, registryPath: string): ImageReference {
  try {
    return parseImageReference(registryPath);
  } catch (error) {
    if (!(error instanceof ImageReferenceError)) throw error;
    throw new InvalidResourceError(resource, `"registrypath" is not a valid image reference: ${error.reason}`, {
      cause: error,
    });
  }
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'list';
  return typeof value === 'object' ? 'mapping' : typeof value;
}
