/** Parses the charm files the layer reads (pure): metadata.yaml / charmcraft.yaml and layer.yaml. */
import { CORE_SCHEMA, defineScalarTag, load, NOT_RESOLVED, realMapTag } from 'js-yaml';
import type { CharmResource } from './charm.js';
import { CharmConfigError } from './errors/index.js';
import { isResourceName } from './resource-name.js';
import { isRecord } from './own.js';

/** The resource types this layer manages (docker is oci-image's former name). */
export const IMAGE_TYPES: ReadonlySet<string> = new Set(['oci-image', 'docker']);

/** A plain scalar that YAML 1.1 reads as a boolean and YAML 1.2 as a string: `yes`, `no`, `on`, `off`, `y`, `n`. */
class Yaml11Word {
  constructor(
    readonly source: string,
    readonly value: boolean,
  ) {}
}

/**
 * Juju reads charm files with go-yaml v2 (YAML 1.1), where a plain `yes`, `on`, `no` or `off` is a boolean;
 * js-yaml reads YAML 1.2, where they are strings. This tag marks them (quoted ones stay strings), and maps are
 * read as `Map`s so that such a word as a key (a resource named `on`) keeps its spelling.
 */
const yaml11Word = defineScalarTag<Yaml11Word>('tag:docker-resource,2025:yaml11-bool', {
  implicit: true,
  implicitFirstChars: ['y', 'Y', 'n', 'N', 'o', 'O'],
  resolve: (source) => {
    if (/^(?:y|Y|yes|Yes|YES|on|On|ON)$/.test(source)) return new Yaml11Word(source, true);
    if (/^(?:n|N|no|No|NO|off|Off|OFF)$/.test(source)) return new Yaml11Word(source, false);
    return NOT_RESOLVED;
  },
  identify: (value) => value instanceof Yaml11Word,
  represent: (value) => value.source,
});
const CHARM_SCHEMA = CORE_SCHEMA.withTags(realMapTag, yaml11Word);

/** Turns what the charm schema loaded into plain data: a YAML 1.1 word is a boolean as a value, its spelling as a key. */
function plain(value: unknown): unknown {
  if (value instanceof Yaml11Word) return value.value;
  if (Array.isArray(value)) return value.map(plain);
  if (!(value instanceof Map)) return value;
  const entries = [...value].map(([k, v]) => [k instanceof Yaml11Word ? k.source : String(k), plain(v)] as const);
  return Object.fromEntries(entries);
}

function parseYaml(text: string, file: string): unknown {
  // js-yaml 5 throws on a document with no content; an empty or comment-only file means "nothing set".
  if (text.split(/\r?\n/).every((line) => /^\s*(#.*)?$/.test(line))) return undefined;
  try {
    return plain(load(text, { schema: CHARM_SCHEMA }));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new CharmConfigError(file, `cannot parse YAML (${reason})`, { cause: error });
  }
}


/** Parses metadata.yaml (or charmcraft.yaml) text into its oci-image resources. Pure. */
export function parseMetadata(text: string, file = 'metadata.yaml'): CharmResource[] {
  const doc = parseYaml(text, file);
  if (doc === undefined || doc === null) return [];
  if (!isRecord(doc)) throw new CharmConfigError(file, 'expected a mapping at the top level');
  const resources = doc['resources'];
  if (resources === undefined || resources === null) return [];
  if (!isRecord(resources)) throw new CharmConfigError(file, '"resources" must be a mapping of resource names');
  const out: CharmResource[] = [];
  for (const [name, spec] of Object.entries(resources)) {
    if (!isRecord(spec)) throw new CharmConfigError(file, `resource "${name}" must be a mapping`);
    const type = spec['type'];
    if (typeof type !== 'string') throw new CharmConfigError(file, `resource "${name}" has no "type"`);
    if (!IMAGE_TYPES.has(type)) continue;
    if (!isResourceName(name))
      throw new CharmConfigError(file, `resource name "${name}" has characters a flag name cannot hold`);
    const autoFetch = spec['auto-fetch'] ?? false;
    if (typeof autoFetch !== 'boolean')
      throw new CharmConfigError(file, `resource "${name}": "auto-fetch" must be true or false`);
    const verify = spec['verify'] ?? false;
    if (typeof verify !== 'boolean') throw new CharmConfigError(file, `resource "${name}": "verify" must be true or false`);
    out.push({ name, autoFetch, ...(verify ? { verify } : {}) });
  }
  return out;
}

/** The layer's options in layer.yaml (`options: docker-resource:`); `undefined` where not set. */
interface LayerYamlOptions {
  setStatus: boolean | undefined;
  verify: boolean | undefined;
}

/** Parses layer.yaml text for `options: docker-resource:` `set-status` and `verify`. Pure. */
export function parseLayerOptions(text: string, file = 'layer.yaml'): LayerYamlOptions {
  const none = { setStatus: undefined, verify: undefined };
  const doc = parseYaml(text, file);
  if (!isRecord(doc)) return none;
  const options = doc['options'];
  if (!isRecord(options)) return none;
  const ours = options['docker-resource'];
  if (ours === undefined || ours === null) return none;
  if (!isRecord(ours)) throw new CharmConfigError(file, '"options: docker-resource" must be a mapping');
  const flag = (key: string): boolean | undefined => {
    const value = ours[key];
    if (value === undefined || typeof value === 'boolean') return value;
    throw new CharmConfigError(file, `"${key}" must be true or false`);
  };
  return { setStatus: flag('set-status'), verify: flag('verify') };
}
