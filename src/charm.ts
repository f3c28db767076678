/**
 * Reads what the layer needs from a charm: its oci-image resources and the layer options.
 * The parsed result is cached in the layer's state, keyed by the files' size, times and inode,
 * so a hook whose charm files did not change loads no YAML parser.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CHARM_FILES, charmFilesKey } from './charm-files.js';
import { CharmConfigError } from './errors/index.js';

/** An `oci-image` (legacy `docker`) resource declared in the charm's metadata. */
export interface CharmResource {
  name: string;
  autoFetch: boolean;
  /** `verify: true` in the resource's metadata: ask the registry whether the image can be pulled. */
  verify?: boolean;
}

/** What the layer knows about the charm. */
export interface Charm {
  dir: string;
  /** Its oci-image resources, in metadata order. */
  resources: CharmResource[];
  /** The `set-status` layer option (`options: docker-resource:` in layer.yaml); `undefined` when not set. */
  setStatus: boolean | undefined;
  /** The `verify` layer option: ask every image's registry; `undefined` when not set. */
  verify?: boolean | undefined;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CharmConfigError(path, `cannot read (${(error as Error).message})`, { cause: error });
  }
}

/** The parsed charm files and the key of the files they were parsed from. */
export interface CharmCache {
  key: string;
  resources: CharmResource[];
  setStatus: boolean | undefined;
  verify?: boolean | undefined;
}

/** A key that changes whenever one of the charm files is written, replaced, created or removed. */
async function filesKey(dir: string): Promise<string> {
  return charmFilesKey(await Promise.all(CHARM_FILES.map((f) => stat(join(dir, f)).then((s) => s, () => undefined))));
}

/**
 * Reads the charm in `dir`: metadata.yaml, else charmcraft.yaml; and layer.yaml when present.
 * With the `cached` result of an earlier read, parses nothing when no file changed.
 */
export async function readCharm(dir: string, cached?: CharmCache | null): Promise<Charm & { cache: CharmCache }> {
  const key = await filesKey(dir);
  if (cached && cached.key === key)
    return { dir, resources: cached.resources, setStatus: cached.setStatus, verify: cached.verify, cache: cached };
  const [metadata, charmcraft, layer] = await Promise.all(CHARM_FILES.map((f) => readOptional(join(dir, f))));
  const { parseMetadata, parseLayerOptions } = await import('./charm-parse.js');
  let resources: CharmResource[];
  if (metadata !== undefined) resources = parseMetadata(metadata, join(dir, 'metadata.yaml'));
  else if (charmcraft !== undefined) resources = parseMetadata(charmcraft, join(dir, 'charmcraft.yaml'));
  else throw new CharmConfigError(join(dir, 'metadata.yaml'), 'not found (nor charmcraft.yaml): is this a charm directory?');
  const { setStatus, verify } = layer === undefined ? { setStatus: undefined, verify: undefined } : parseLayerOptions(layer, join(dir, 'layer.yaml'));
  return { dir, resources, setStatus, verify, cache: { key, resources, setStatus, verify } };
}
