/** Reads what the layer needs from a charm: its oci-image resources and the layer options. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { CharmConfigError } from './errors/index.js';

/** An `oci-image` (legacy `docker`) resource declared in the charm's metadata. */
export interface CharmResource {
  name: string;
  autoFetch: boolean;
}

/** What the layer knows about the charm. */
export interface Charm {
  dir: string;
  /** Its oci-image resources, in metadata order. */
  resources: CharmResource[];
  /** The `set-status` layer option (`options: docker-resource:` in layer.yaml); `undefined` when not set. */
  setStatus: boolean | undefined;
}

const IMAGE_TYPES = new Set(['oci-image', 'docker']);

function parseYaml(text: string, file: string): unknown {
  // js-yaml 5 throws on a document with no content; an empty or comment-only file means "nothing set".
  if (text.split(/\r?\n/).every((line) => /^\s*(#.*)?$/.test(line))) return undefined;
  try {
    return load(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new CharmConfigError(file, `cannot parse YAML (${reason})`, { cause: error });
  }
}

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses metadata.yaml (or charmcraft.yaml) text into its oci-image resources. Pure. */
export function parseMetadata(text: string, file = 'metadata.yaml'): CharmResource[] {
  const doc = parseYaml(text, file);
  if (doc === undefined || doc === null) return [];
  if (!isMapping(doc)) throw new CharmConfigError(file, 'expected a mapping at the top level');
  const resources = doc['resources'];
  if (resources === undefined || resources === null) return [];
  if (!isMapping(resources)) throw new CharmConfigError(file, '"resources" must be a mapping of resource names');
  const out: CharmResource[] = [];
  for (const [name, spec] of Object.entries(resources)) {
    if (!isMapping(spec)) throw new CharmConfigError(file, `resource "${name}" must be a mapping`);
    const type = spec['type'];
    if (typeof type !== 'string') throw new CharmConfigError(file, `resource "${name}" has no "type"`);
    if (!IMAGE_TYPES.has(type)) continue;
    if (!/^[a-z0-9][a-z0-9._-]*$/i.test(name))
      throw new CharmConfigError(file, `resource name "${name}" has characters a flag name cannot hold`);
    const autoFetch = spec['auto-fetch'] ?? false;
    if (typeof autoFetch !== 'boolean')
      throw new CharmConfigError(file, `resource "${name}": "auto-fetch" must be true or false`);
    out.push({ name, autoFetch });
  }
  return out;
}

/** Parses layer.yaml text for `options: docker-resource: set-status`. Pure. */
export function parseLayerOptions(text: string, file = 'layer.yaml'): { setStatus: boolean | undefined } {
  const doc = parseYaml(text, file);
  if (!isMapping(doc)) return { setStatus: undefined };
  const options = doc['options'];
  if (!isMapping(options)) return { setStatus: undefined };
  const ours = options['docker-resource'];
  if (ours === undefined || ours === null) return { setStatus: undefined };
  if (!isMapping(ours)) throw new CharmConfigError(file, '"options: docker-resource" must be a mapping');
  const setStatus = ours['set-status'];
  if (setStatus === undefined) return { setStatus: undefined };
  if (typeof setStatus !== 'boolean') throw new CharmConfigError(file, '"set-status" must be true or false');
  return { setStatus };
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CharmConfigError(path, `cannot read (${(error as Error).message})`, { cause: error });
  }
}

/** Reads the charm in `dir`: metadata.yaml, else charmcraft.yaml; and layer.yaml when present. */
export async function readCharm(dir: string): Promise<Charm> {
  const [metadata, charmcraft, layer] = await Promise.all(
    ['metadata.yaml', 'charmcraft.yaml', 'layer.yaml'].map((f) => readOptional(join(dir, f))),
  );
  let resources: CharmResource[];
  if (metadata !== undefined) resources = parseMetadata(metadata, join(dir, 'metadata.yaml'));
  else if (charmcraft !== undefined) resources = parseMetadata(charmcraft, join(dir, 'charmcraft.yaml'));
  else throw new CharmConfigError(join(dir, 'metadata.yaml'), 'not found (nor charmcraft.yaml): is this a charm directory?');
  const { setStatus } = layer === undefined ? { setStatus: undefined } : parseLayerOptions(layer, join(dir, 'layer.yaml'));
  return { dir, resources, setStatus };
}

/** The charm directory from the hook environment: JUJU_CHARM_DIR, else CHARM_DIR, else the current directory. */
export function charmDirFromEnv(env: NodeJS.ProcessEnv, cwd = process.cwd()): string {
  return env['JUJU_CHARM_DIR'] || env['CHARM_DIR'] || cwd;
}

/** The hook's name: from JUJU_DISPATCH_PATH (`hooks/install` → `install`), else JUJU_HOOK_NAME. */
export function hookNameFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const dispatch = env['JUJU_DISPATCH_PATH'];
  if (dispatch) return dispatch.split('/').pop() || undefined;
  return env['JUJU_HOOK_NAME'] || undefined;
}
