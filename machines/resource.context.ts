/**
 * The context of a resource that was never requested, apart from the machine so that code
 * which only reads saved state (flags, status, an idle hook) does not load XState.
 */
import type { ResourceContext } from './resource.machine.js';

/** The context of a resource that was never requested. */
export function initialContext(name: string): ResourceContext {
  return { name, requested: false, image: null, digest: null, failure: null, changed: false, attempts: 0, failuresInARow: 0 };
}
