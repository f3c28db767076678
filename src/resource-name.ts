/** What a resource name may hold: the one check for names from metadata and from saved state alike. */

/** Letters, digits, `.`, `_` and `-`, starting with a letter or digit: a name a flag (and a status message) can hold. */
const RESOURCE_NAME = /^[a-z0-9][a-z0-9._-]*$/i;

/** Whether `name` can be a resource name: flag-safe characters only, so it holds no control character or space. */
export function isResourceName(name: unknown): name is string {
  return typeof name === 'string' && RESOURCE_NAME.test(name);
}
