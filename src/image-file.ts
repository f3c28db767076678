/**
 * Parses and validates the text of an `oci-image` resource file (pure), and digests its content.
 * Apart from ImageInfo so that code which only reads saved image info loads neither js-yaml nor
 * node:crypto: a hook is a fresh process, and most hooks fetch nothing.
 */
import { createHash } from 'node:crypto';
import { load, YAMLException } from 'js-yaml';
import { InvalidResourceError, MissingResourceError } from './errors/index.js';
import { referenceOf, type ImageFields } from './image-info.js';
import { jsonRecord } from './own.js';

/** The largest resource file accepted, in bytes (a real one is a few hundred bytes). */
export const MAX_RESOURCE_BYTES = 64 * 1024;

/** The most YAML aliases (`*name`) a resource file may use; Juju writes none (guards against "billion laughs"). */
export const MAX_YAML_ALIASES = 8;


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

/** Loads one YAML (or JSON) document: a flat JSON object without js-yaml's parser, anything else through it. */
function loadDocument(resource: string, text: string): unknown {
  return flatJson(text) ?? yamlDocument(resource, text);
}

/**
 * The object in `text` when it is a flat JSON object (each value a string, number, boolean or null) with
 * no key twice, as Juju serves a resource file; else `undefined`. YAML reads such text to the same value
 * (JSON is YAML), and `JSON.parse` does it without js-yaml's general parser, which cost ≈ 0.5 ms a file.
 * A key given twice is left to js-yaml, which refuses it as YAML does (`JSON.parse` keeps the last).
 */
export function flatJson(text: string): Record<string, unknown> | undefined {
  const value = text.trimStart().startsWith('{') ? jsonRecord(text) : undefined;
  if (value === undefined) return undefined;
  const values = Object.values(value);
  if (values.some((v) => typeof v === 'object' && v !== null)) return undefined;
  return keysIn(text) === values.length ? value : undefined;
}

/** How many keys the text of a flat JSON object holds, a key given twice counted twice: its commas outside strings, plus one. */
function keysIn(text: string): number {
  let commas = 0;
  let strings = false;
  for (let i = 0, inString = false; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = strings = true;
    else if (c === 0x2c) commas++;
  }
  return strings ? commas + 1 : 0;
}

/** Loads one YAML (or JSON) document with js-yaml; reports its short reason, never the snippet of the text. */
export function yamlDocument(resource: string, text: string): unknown {
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


function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'list';
  return typeof value === 'object' ? 'mapping' : typeof value;
}
