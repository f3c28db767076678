import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import {
  ImageReferenceError,
  normalizeImageReference,
  parseImageReference,
  type ImageReference,
} from '../src/image-reference.js';
import { parseNormalizedNamed, type OracleResult } from './fixtures/reference-oracle.js';

/*
 * The parser against the oracle (distribution/reference v0.6.0 `ParseNormalizedNamed` written with the
 * published regular expressions, test/fixtures/reference-oracle.ts): same verdict and the same parts for
 * every generated reference. Our parts are as written; normalizeImageReference turns them into Go's.
 */

type Verdict = { ok: true; domain: string; path: string; tag: string; digest: string } | { ok: false };

/** `domain/path:tag@digest`, leaving out absent (or empty) parts. */
const spell = (p: { domain?: string; path: string; tag?: string; digest?: string }): string =>
  (p.domain ? `${p.domain}/` : '') + p.path + (p.tag ? `:${p.tag}` : '') + (p.digest ? `@${p.digest}` : '');

/** Our verdict, in the oracle's shape (Go's parts, empty string for an absent part). */
function ours(ref: string): Verdict {
  let parsed: ImageReference;
  try {
    parsed = parseImageReference(ref);
  } catch (error) {
    if (!(error instanceof ImageReferenceError)) throw error;
    return { ok: false };
  }
  if (spell(parsed) !== ref) throw new Error(`parts as written do not spell ${JSON.stringify(ref)}`);
  const go = normalizeImageReference(parsed);
  return { ok: true, domain: go.domain ?? '', path: go.path, tag: go.tag ?? '', digest: go.digest ?? '' };
}

const theirs = (ref: string): Verdict => {
  const result: OracleResult = parseNormalizedNamed(ref);
  return result.ok ? result : { ok: false };
};

/** Same verdict and same parts; a plain boolean, as `expect` inside a property costs milliseconds a run. */
const agree = (ref: string): boolean => isDeepStrictEqual(ours(ref), theirs(ref));

/** A small deterministic generator (mulberry32), so the corpus is the same on every run. */
function random(seed: number): { int(n: number): number; pick<T>(items: readonly T[]): T; chance(p: number): boolean } {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return { int, pick: (items) => items[int(items.length)] as (typeof items)[number], chance: (p) => next() < p };
}

const HEX = '0123456789abcdef';
const DOMAINS = [
  'localhost', 'localhost:5000', 'LOCALHOST', 'Localhost:80', 'example.com', 'Registry.Example.COM', 'docker.io',
  'index.docker.io', 'registry-1.docker.io', 'a.b.c.d.e', 'xn--n3h.com:18080', '127.0.0.1', '127.0.0.1:5000',
  '192.168.0.1:0', '[::1]', '[::1]:5000', '[fe80::1]', '[2001:db8::]:443', '[FC00::1]', '[ABCDEF]', '[abcdef]',
  '[:]', 'TEAM', 'Team', 'X', 'host:1', 'a-b.io', 'a--b.io', 'foo_bar.com', 'a_b.c', 'foo__bar.io', 'x_y.z.io',
  '-a.com', 'a-.com', 'a..b', 'a.com.', '.a.com', 'host:', 'host:abc', 'host:5000:1', '[]', '[::1', '[g::1]',
  '[fe80::1%eth0]', '::1', 'my_host', 'UPPER_x', 'http:', 'a.b:0', 'Foo_bar.com', `${'h'.repeat(70)}.com`,
];
const SEPARATORS = ['.', '_', '__', '-', '--', '---', '..', '___', '_.', '-.', '.-', '/', '//', 'A', '$'];
const TAGS = ['latest', '1.25', 'V1_x.y-z', '_t', '5000', 'UPPER', '-bad', '.bad', '', 'a:b', 'a/b', 'é'];
const ALGORITHMS = ['sha256', 'sha384', 'sha512', 'SHA256', 'md5', 'blake3', 'sha256+b64', 'sha256.x', 'a-b_c', '1sha'];
const EDITS = ['/', ':', '@', '.', '_', '-', 'A', 'a', '0', 'f', '[', ']', '+', '=', '%', ' ', 'é', '//', '::'];

/** A reference assembled from likely and unlikely parts: domains, paths, tags and digests of every kind. */
function generate(r: ReturnType<typeof random>): string {
  const alnum = (): string => Array.from({ length: 1 + r.int(4) }, () => r.pick([...'a0z9b'])).join('');
  const component = (): string => {
    let text = alnum();
    const joins = r.int(3);
    for (let i = 0; i < joins; i++) text += (r.chance(0.85) ? r.pick(SEPARATORS.slice(0, 6)) : r.pick(SEPARATORS)) + alnum();
    return text;
  };
  const components = Array.from({ length: 1 + r.int(r.chance(0.1) ? 130 : 4) }, component);
  if (r.chance(0.1)) components.unshift('library');
  let path = components.join('/');
  if (r.chance(0.15)) path = (r.chance(0.5) ? 'a'.repeat(240 + r.int(20)) : HEX.repeat(4).slice(0, 62 + r.int(4)));
  const domain = r.chance(0.4) ? '' : r.pick(DOMAINS);
  let tag = '';
  if (r.chance(0.4)) tag = r.chance(0.1) ? 't'.repeat(126 + r.int(5)) : r.pick(TAGS);
  let digest = '';
  if (r.chance(0.35)) {
    const algorithm = r.pick(ALGORITHMS);
    const length = r.chance(0.7) ? r.pick([64, 96, 128]) : r.pick([31, 32, 63, 65, 95, 127, 129, 300]);
    const hex = Array.from({ length }, () => r.pick([...HEX])).join('');
    digest = `${algorithm}:${r.chance(0.1) ? hex.toUpperCase() : hex}`;
  }
  const colon = tag === '' && !r.chance(0.03) ? '' : ':';
  return `${domain === '' ? '' : `${domain}/`}${path}${colon}${tag}${digest === '' ? '' : `@${digest}`}`;
}

/** `ref` with one to three random edits: insert, delete, replace, or double a slice. */
function mutate(r: ReturnType<typeof random>, ref: string): string {
  let text = ref;
  for (let n = 1 + r.int(3); n > 0; n--) {
    const at = r.int(text.length + 1);
    const kind = r.int(4);
    if (kind === 0) text = text.slice(0, at) + r.pick(EDITS) + text.slice(at);
    else if (kind === 1) text = text.slice(0, at) + text.slice(at + 1);
    else if (kind === 2) text = text.slice(0, at) + r.pick(EDITS) + text.slice(at + 1);
    else text = text.slice(0, at) + text.slice(at, at + 1 + r.int(8)) + text.slice(at);
  }
  return text;
}

const HEX64 = HEX.repeat(4);
/** Every edge the issue lists, by name, each with Go's verdict. */
const EDGES: Array<[string, string, boolean]> = [
  ['upper-case first component', 'TEAM/app', true],
  ['upper-case localhost', 'LOCALHOST/x', true],
  ['mixed-case first component with a port', 'Team:5000/app:v1', true],
  ['dotted first component that is no host', 'foo_bar.com/x', true],
  ['dotted non-host on a deeper path', 'a_b.c/d/e:1', true],
  ['path of 255 behind a registry', `r.io/${'a'.repeat(255)}`, true],
  ['path of 256 behind a registry', `r.io/${'a'.repeat(256)}`, false],
  ['Hub name of 247 (255 with library/)', 'a'.repeat(247), true],
  ['Hub name of 248 (256 with library/)', 'a'.repeat(248), false],
  ['long registry, short path', `${'h'.repeat(300)}.io/app`, true],
  ['md5 digest', `a@md5:${'a'.repeat(32)}`, false],
  ['blake3 digest', `a@blake3:${HEX64}`, false],
  ['sha256+b64 digest', `a@sha256+b64:${HEX64}`, false],
  ['upper-case algorithm', `a@SHA256:${HEX64}`, false],
  ['upper-case hex', `a@sha256:${HEX64.toUpperCase()}`, false],
  ['sha384', `a@sha384:${HEX64}${HEX.repeat(2)}`, true],
  ['sha512', `a@sha512:${HEX64}${HEX64}`, true],
  ['bare 64-hex name', HEX64, false],
  ['64-hex name with a tag', `${HEX64}:1`, true],
  ['64-hex name behind docker.io', `docker.io/${HEX64}`, true],
  ['long algorithm name', `a@${'x'.repeat(1000)}:${HEX64}`, false],
  ['long encoded part', `a@sha256:${'a'.repeat(1000)}`, false],
  ['IPv6 host with a port', '[2001:db8::1]:5000/repo', true],
  ['IPv6 host without a path', '[::1]:5000', false],
  ['IPv6 zone', '[fe80::1%eth0]:5000/repo', false],
  ['localhost with a port and tag and digest', `localhost:5000/a/b:tag@sha256:${HEX64}`, true],
  ['bare localhost:port reads as a tag', 'localhost:5000', true],
];

describe('parseImageReference against distribution/reference v0.6.0', () => {
  it.each(EDGES)('%s', (_label, ref, valid) => {
    expect(theirs(ref).ok).toBe(valid);
    expect(ours(ref)).toStrictEqual(theirs(ref));
  });

  it('agrees on verdict and parts for 6,000 generated references and mutations', () => {
    const r = random(12);
    const corpus = new Set<string>(EDGES.map(([, ref]) => ref));
    while (corpus.size < 3000) corpus.add(generate(r));
    const generated = [...corpus];
    while (corpus.size < 6000) corpus.add(mutate(r, r.pick(generated)));

    const verdicts = [...corpus].map((ref) => ({ ref, ours: ours(ref), theirs: theirs(ref) }));
    const disagreements = verdicts.filter((v) => !isDeepStrictEqual(v.ours, v.theirs));
    expect(disagreements).toStrictEqual([]);
    // Both sides of the boundary are well represented, so agreement is not agreement on "reject everything".
    const accepted = verdicts.flatMap((v) => (v.theirs.ok ? [v.theirs] : []));
    expect(verdicts.length).toBe(6000);
    expect(accepted.length).toBeGreaterThan(1000);
    expect(verdicts.length - accepted.length).toBeGreaterThan(1000);
    expect(accepted.filter((v) => v.domain === '').length).toBeGreaterThan(0);
    expect(accepted.filter((v) => v.tag !== '' && v.digest !== '').length).toBeGreaterThan(0);
  });
});

describe('parseImageReference: properties', () => {
  const chars = fc.constantFrom(...'aAzZ09fF._-/:@[]+=% é'.split(''), 'sha256:', 'sha512:', 'localhost', 'io', '//');
  const referenceLike = fc.array(chars, { maxLength: 30 }).map((parts) => parts.join(''));

  it('agrees with the oracle on strings built from the grammar\'s characters', () => {
    fc.assert(fc.property(referenceLike, agree), { numRuns: 2000 });
  });

  it('agrees with the oracle on references built from valid and invalid parts', () => {
    const part = (valid: string[], invalid: string[]): fc.Arbitrary<string> =>
      fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...valid) }, { weight: 1, arbitrary: fc.constantFrom(...invalid) });
    const reference = fc
      .record({
        domain: part(['', 'r.io/', 'localhost/', 'TEAM/', 'h:5/', '[::1]:5/', 'docker.io/', 'a_b.c/'], ['h:/', '[]/', '-a.io/']),
        path: part(['app', 'team/app', 'a.b/c-d', 'x__y/z---w'], ['App', 'a//b', 'a_', '']),
        tag: part(['', ':1', ':V_1.x-y'], [':', ':-x', ':a:b']),
        digest: part(['', `@sha256:${HEX64}`], [`@sha256:${HEX64}0`, `@md5:${HEX64}`, '@']),
      })
      .map(({ domain, path, tag, digest }) => domain + path + tag + digest);
    fc.assert(fc.property(reference, agree), { numRuns: 1000 });
  });

  it('agrees with the oracle, and throws only ImageReferenceError, whatever the string', () => {
    // Any UTF-16 code unit, lone surrogates included (fast-check's 'binary' unit takes seconds to set up).
    const unit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
    fc.assert(fc.property(fc.string({ unit, maxLength: 40 }), agree), { numRuns: 1000 });
  });

  it('gives the same parts when Go\'s own spelling of an accepted reference is parsed again', () => {
    fc.assert(
      fc.property(referenceLike, (ref) => {
        const first = ours(ref);
        return !first.ok || isDeepStrictEqual(ours(spell(first)), first);
      }),
      { numRuns: 2000 },
    );
  });
});
