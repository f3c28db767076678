import { describe, expect, it } from '@jest/globals';
import {
  ImageReferenceError,
  isValidImageReference,
  parseImageReference,
  type ImageReference,
} from '../src/image-reference.js';
import { DockerResourceError } from '../src/errors/index.js';
import { thrown } from './fixtures/thrown.js';


const HEX64 = 'a'.repeat(32) + '0123456789abcdef'.repeat(2);
const SHA = `sha256:${HEX64}`;

describe('parseImageReference', () => {
  const valid: Array<[string, ImageReference]> = [
    ['nginx', { path: 'nginx' }],
    ['nginx:1.25', { path: 'nginx', tag: '1.25' }],
    ['nginx:latest', { path: 'nginx', tag: 'latest' }],
    [`library/nginx@${SHA}`, { path: 'library/nginx', digest: SHA }],
    [`nginx:1.25@${SHA}`, { path: 'nginx', tag: '1.25', digest: SHA }],
    [
      `registry.jujucharms.com/charm/abc123/my-image@${SHA}`,
      { domain: 'registry.jujucharms.com', path: 'charm/abc123/my-image', digest: SHA },
    ],
    ['localhost:5000/a/b:tag', { domain: 'localhost:5000', path: 'a/b', tag: 'tag' }],
    ['localhost/app', { domain: 'localhost', path: 'app' }],
    ['localhost:5000', { path: 'localhost', tag: '5000' }],
    ['[::1]:5000/x', { domain: '[::1]:5000', path: 'x' }],
    ['[fe80::1]/x:v1', { domain: '[fe80::1]', path: 'x', tag: 'v1' }],
    ['127.0.0.1:5000/x', { domain: '127.0.0.1:5000', path: 'x' }],
    ['Registry.Example.com/team/app', { domain: 'Registry.Example.com', path: 'team/app' }],
    ['ghcr.io/a_b/c__d/e-f/g---h/i.j', { domain: 'ghcr.io', path: 'a_b/c__d/e-f/g---h/i.j' }],
    ['a/b:V1_x.y-z', { path: 'a/b', tag: 'V1_x.y-z' }],
    ['a:_tag', { path: 'a', tag: '_tag' }],
    [`a:${'t'.repeat(128)}`, { path: 'a', tag: 't'.repeat(128) }],
    [`a@sha512:${'f'.repeat(128)}`, { path: 'a', digest: `sha512:${'f'.repeat(128)}` }],
    [`a@multihash+base58:${'AB'.repeat(16)}`, { path: 'a', digest: `multihash+base58:${'AB'.repeat(16)}` }],
    [`r.io/${'a'.repeat(250)}`, { domain: 'r.io', path: 'a'.repeat(250) }],
  ];

  it.each(valid)('parses %s', (ref, expected) => {
    expect(parseImageReference(ref)).toStrictEqual(expected);
    expect(isValidImageReference(ref)).toBe(true);
  });

  const invalid: Array<[string, string, RegExp]> = [
    ['empty', '', /empty/],
    ['uppercase repository', 'Nginx', /must be lowercase/],
    ['uppercase path component', 'library/Nginx:1', /must be lowercase/],
    ['empty path component', 'a//b', /empty component/],
    ['leading slash', '/a', /empty component/],
    ['trailing slash', 'a/', /empty component/],
    ['domain only', 'registry.io/', /empty component/],
    ['trailing colon', 'nginx:', /tag .*empty/],
    ['empty name', ':tag', /name is empty/],
    ['bad tag start', 'nginx:-x', /tag may hold only/],
    ['over-long tag', `nginx:${'t'.repeat(129)}`, /129 characters.*128/],
    ['short sha256', `nginx@sha256:${'a'.repeat(63)}`, /64 hex characters, got 63/],
    ['long sha256', `nginx@sha256:${'a'.repeat(65)}`, /64 hex characters, got 65/],
    ['uppercase sha256', `nginx@sha256:${'A'.repeat(64)}`, /lowercase hexadecimal/],
    ['digest without algorithm', `nginx@${HEX64}`, /algorithm:hex/],
    ['empty digest', 'nginx@', /algorithm:hex/],
    ['bad algorithm', `nginx@1sha:${HEX64}`, /algorithm must start with a letter/],
    ['short unknown digest', `nginx@md5:${'a'.repeat(31)}`, /at least 32/],
    ['space', 'nginx :1', /whitespace/],
    ['newline', 'nginx\n', /whitespace/],
    ['url scheme', 'http://x/y', /URL scheme/],
    ['https scheme', 'https://registry.io/a', /URL scheme/],
    ['over-long name', `r.io/${'a'.repeat(251)}`, /256 characters long; the limit is 255/],
    ['bad separator', 'a/b..c', /separators/],
    ['component ends with separator', 'a/b-', /start and end/],
    ['bad port', 'localhost:abc/x', /port must be a number/],
    ['bad host', 'my_host.io/x', /registry host/],
    ['host ends with dash', 'a-.io/x', /registry host/],
    ['unclosed ipv6', '[::1/x', /registry host/],
    ['credentials in reference', 'user:pass@registry.io/x', /algorithm:hex/],
    ['bad character', 'a/b$c', /may hold only/],
  ];

  it.each(invalid)('rejects %s', (_label, ref, reason) => {
    const caught = thrown(() => parseImageReference(ref));
    expect(caught).toBeInstanceOf(ImageReferenceError);
    expect(caught).toBeInstanceOf(DockerResourceError);
    const error = caught as ImageReferenceError;
    expect(error.reason).toMatch(reason);
    expect(error.message).toBe(`invalid image reference: ${error.reason}`);
    expect(isValidImageReference(ref)).toBe(false);
  });

  it('does not echo a credential-looking reference in its reason', () => {
    const error = thrown(() => parseImageReference('user:s3cr3t-SENTINEL@registry.io/x'));
    expect(error).toBeInstanceOf(ImageReferenceError);
    expect(String(error)).not.toContain('s3cr3t');
  });

  it('rejects a megabyte-long reference', () => {
    expect(isValidImageReference('a'.repeat(1_000_000))).toBe(false);
  });
});
