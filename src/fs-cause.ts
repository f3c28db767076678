/** The real cause of a file-system error in words, with the path it concerns: `EROFS (read-only file system: /x)`. */

const WORDS: ReadonlyMap<string, string> = new Map([
  ['ENOENT', 'no such file or directory'],
  ['EACCES', 'permission denied'],
  ['EPERM', 'operation not permitted'],
  ['EROFS', 'read-only file system'],
  ['EISDIR', 'is a directory'],
  ['ENOTDIR', 'not a directory'],
  ['ELOOP', 'a symbolic link where none may be, or a loop of them'],
  ['ENOSPC', 'no space left on device'],
  ['EDQUOT', 'disk quota exceeded'],
  ['EEXIST', 'already exists'],
  ['ENAMETOOLONG', 'file name too long'],
  ['EIO', 'input/output error'],
  ['EBUSY', 'device or resource busy'],
  ['EMFILE', 'too many open files'],
]);

/** The error code (`EROFS`), its meaning, and the path (and destination) the error names; never the file's content. */
export function fsCause(error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as NodeJS.ErrnoException & { dest?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code === undefined) return error instanceof Error ? error.message : String(error);
  const words = WORDS.get(code) ?? 'error';
  const paths = [e.path, e.dest].filter((p): p is string => typeof p === 'string');
  return `${code} (${words}${paths.length > 0 ? `: ${paths.join(' → ')}` : ''})`;
}

/** The error's code (`ENOENT`…), if it has one. */
export const errorCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;
