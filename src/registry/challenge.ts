/** One challenge of a `WWW-Authenticate` header: the scheme, lowercased, and its parameters. */
export interface Challenge {
  scheme: string;
  /** Parameters by lowercased name (`realm`, `service`, `scope`…). */
  params: Map<string, string>;
}

/** Longest header read; registries send a few hundred characters. */
const MAX_HEADER_LENGTH = 8192;
const TCHAR = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;

/** Parses a `WWW-Authenticate` header (RFC 9110 §11.6.1) into its challenges; ignores what it cannot read. */
export function parseChallenges(header: string | null): Challenge[] {
  if (header === null) return [];
  const s = header.slice(0, MAX_HEADER_LENGTH);
  const challenges: Challenge[] = [];
  let current: Challenge | undefined;
  let i = 0;
  while (i < s.length) {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === ',')) i++;
    const start = i;
    while (i < s.length && TCHAR.test(s[i] as string)) i++;
    if (i === start) {
      i++; // a character no grammar allows here: skip it
      continue;
    }
    const token = s.slice(start, i);
    let j = i;
    while (j < s.length && (s[j] === ' ' || s[j] === '\t')) j++;
    if (s[j] === '=' && current !== undefined) {
      const [value, end] = readValue(s, j + 1);
      if (!current.params.has(token.toLowerCase())) current.params.set(token.toLowerCase(), value);
      i = end;
    } else if (s[j] === '=') {
      i = readValue(s, j + 1)[1]; // a parameter before any scheme
    } else {
      current = { scheme: token.toLowerCase(), params: new Map() };
      challenges.push(current);
    }
  }
  return challenges;
}

/** The first challenge of the given scheme (`bearer`, `basic`), if any. */
export function challengeOf(challenges: readonly Challenge[], scheme: string): Challenge | undefined {
  return challenges.find((c) => c.scheme === scheme);
}

function readValue(s: string, from: number): [string, number] {
  let i = from;
  while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  if (s[i] !== '"') {
    const start = i;
    while (i < s.length && s[i] !== ',' && s[i] !== ' ' && s[i] !== '\t') i++;
    return [s.slice(start, i), i];
  }
  let value = '';
  i++;
  while (i < s.length && s[i] !== '"') {
    if (s[i] === '\\' && i + 1 < s.length) i++;
    value += s[i];
    i++;
  }
  return [value, i + 1];
}
