import { isLowerHex } from './digest.js';

/*
 * The productions of github.com/distribution/reference v0.6.0 regexp.go (domainAndPort, pathComponent,
 * remoteName, tag), restated as scanners: each reads every character a bounded number of times, so a
 * hostile input costs linear time. image-reference.ts composes them as normalize.go and reference.go do.
 */

/** Tells whether `domain` is host [":" port]: a dotted domain name or IPv4 address, or a bracketed IPv6 address. */
export function isDomainAndPort(domain: string): boolean {
  let end: number;
  if (domain.startsWith('[')) {
    end = domain.indexOf(']') + 1;
    if (end < 3 || !everyCode(domain, 1, end - 1, (c) => c === 0x3a || isHexDigit(c))) return false;
  } else {
    end = domainNameEnd(domain);
    if (end === -1) return false;
  }
  if (end === domain.length) return true;
  return domain[end] === ':' && end + 1 < domain.length && everyCode(domain, end + 1, domain.length, isDigit);
}

/** Where the domain name at the start of `text` ends (components of `[a-zA-Z0-9-]`, no `-` at an end), or -1. */
function domainNameEnd(text: string): number {
  let i = 0;
  for (;;) {
    const start = i;
    while (i < text.length && (isAlnum(text.charCodeAt(i)) || text[i] === '-')) i++;
    if (i === start || text[start] === '-' || text[i - 1] === '-') return -1;
    if (text[i] !== '.') return i;
    i++;
  }
}

/** Why `path` is not a remote name (`component ["/" component]*`); `undefined` when it is. */
export function pathProblem(path: string): string | undefined {
  let start = 0;
  for (;;) {
    const slash = path.indexOf('/', start);
    const problem = componentProblem(path, start, slash === -1 ? path.length : slash);
    if (problem !== undefined || slash === -1) return problem;
    start = slash + 1;
  }
}

/** Why `path[start, end)` is not lowercase alphanumerics joined by one `.`, one `_`, `__` or a run of `-`. */
function componentProblem(path: string, start: number, end: number): string | undefined {
  if (start === end) return 'repository path has an empty component; look for "//" or a leading or trailing "/"';
  if (!everyCode(path, start, end, (c) => !isUpper(c))) return 'repository path must be lowercase';
  let i = start;
  while (isLowerAlnum(path.charCodeAt(i))) {
    while (i < end && isLowerAlnum(path.charCodeAt(i))) i++;
    if (i === end) return undefined;
    const separator = path[i];
    if (separator === '.') i += 1;
    else if (separator === '_') i += path[i + 1] === '_' ? 2 : 1;
    else if (separator === '-') while (path[i] === '-') i++;
    else break;
    if (i >= end) break;
  }
  return (
    'repository path components may hold only a-z, 0-9 and the separators ".", "_", "__", "-", ' +
    'and must start and end with a letter or digit'
  );
}

/** Why `tag` is not `[\w][\w.-]{0,127}`; `undefined` when it is. */
export function tagProblem(tag: string): string | undefined {
  if (tag === '') return 'tag after ":" is empty; remove the trailing ":" or add a tag';
  if (tag.length > 128) return `tag is ${tag.length} characters long; the limit is 128`;
  const word = (c: number): boolean => isAlnum(c) || c === 0x5f;
  if (word(tag.charCodeAt(0)) && everyCode(tag, 1, tag.length, (c) => word(c) || c === 0x2e || c === 0x2d)) {
    return undefined;
  }
  return 'tag may hold only letters, digits, "_", "." and "-", and must not start with "." or "-"';
}

/** Tells whether every UTF-16 code unit of `text[from, to)` passes `test`. */
export function everyCode(text: string, from: number, to: number, test: (c: number) => boolean): boolean {
  for (let i = from; i < to; i++) if (!test(text.charCodeAt(i))) return false;
  return true;
}

/** Tells whether the code unit `c` is `A-Z`. */
export const isUpper = (c: number): boolean => c >= 0x41 && c <= 0x5a;
/** Tells whether the code unit `c` is an ASCII letter. */
export const isAlpha = (c: number): boolean => isUpper(c) || (c >= 0x61 && c <= 0x7a);
/** Tells whether the code unit `c` is an ASCII letter or digit. */
export const isAlnum = (c: number): boolean => isDigit(c) || isAlpha(c);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isLowerAlnum = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x7a);
const isHexDigit = (c: number): boolean => isLowerHex(c) || (c >= 0x41 && c <= 0x46);
