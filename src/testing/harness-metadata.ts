/** What the harness reads of the charm's metadata: which resources it declares, and of what type. */
import { load } from 'js-yaml';
import { IMAGE_TYPES } from '../charm-parse.js';
import { HarnessError } from './harness-error.js';

/** Each resource the metadata declares, with its type (`?` when it has none); `null` when the text is not a YAML mapping. */
export function resourceTypes(metadata: string): ReadonlyMap<string, string> | null {
  let doc: unknown;
  try {
    doc = load(metadata);
  } catch {
    return null;
  }
  if (typeof doc !== 'object' || doc === null) return null;
  const types = new Map<string, string>();
  const resources = (doc as { resources?: unknown }).resources;
  if (typeof resources !== 'object' || resources === null) return types;
  for (const [name, spec] of Object.entries(resources)) {
    const type = (spec as { type?: unknown } | null)?.type;
    types.set(name, typeof type === 'string' ? type : '?');
  }
  return types;
}

/** Throws a {@link HarnessError}, as `ops.testing` does, unless the charm declares `name` as an oci-image (or docker) resource. */
export function checkImageResource(types: ReadonlyMap<string, string> | null, method: string, name: string): void {
  if (types === null) return;
  const type = types.get(name);
  if (type === undefined) {
    const known = [...types.keys()];
    const declared = known.length === 0 ? 'it declares none' : `it declares ${known.join(', ')}`;
    throw new HarnessError(`h.${method}("${name}"): the charm declares no resource "${name}" (${declared})`);
  }
  if (!IMAGE_TYPES.has(type))
    throw new HarnessError(`h.${method}("${name}"): resource "${name}" is of type "${type}", not oci-image (or docker)`);
}
