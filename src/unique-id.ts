/**
 * A short id that is unique enough to tell this process's lock and temp files from another's.
 * Not a secret: it needs no `node:crypto`, whose loading (with the stream modules it pulls in)
 * would cost every hook a few milliseconds of start-up.
 */
export function uniqueId(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}
