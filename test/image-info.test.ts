import { describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { contentDigest, flatJson, MAX_RESOURCE_BYTES, parseImageFile, yamlDocument } from '../src/image-file.js';
import { ImageInfo, redactImageFields, SECRET_FIELDS, type ImageFields } from '../src/image-info.js';
import { redact } from '../src/redact.js';
import { InvalidResourceError, MissingResourceError } from '../src/errors/index.js';
import { thrown } from './fixtures/thrown.js';

const SENTINEL = 's3cr3t-SENTINEL';
const AUTH = 'AUTH-SENTINEL';
const ID_TOKEN = 'IDTOKEN-SENTINEL';
const REG_TOKEN = 'REGTOKEN-SENTINEL';
const SECRETS = [SENTINEL, AUTH, ID_TOKEN, REG_TOKEN];
const SHA = `sha256:${'0123456789abcdef'.repeat(4)}`;
const IMAGE = `registry.jujucharms.com/charm/abc123/my-image@${SHA}`;

const FULL_YAML = `registrypath: ${IMAGE}
username: docker-registry
password: ${SENTINEL}
auth: ${AUTH}
email: me@example.com
identitytoken: ${ID_TOKEN}
registrytoken: ${REG_TOKEN}
repository: charm/abc123
serveraddress: registry.jujucharms.com
region: us-east-1
`;

const FULL_FIELDS: ImageFields = {
  registryPath: IMAGE,
  username: 'docker-registry',
  password: SENTINEL,
  auth: AUTH,
  email: 'me@example.com',
  identityToken: ID_TOKEN,
  registryToken: REG_TOKEN,
  repository: 'charm/abc123',
  serverAddress: 'registry.jujucharms.com',
  region: 'us-east-1',
};


const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('parseImageFile: valid files', () => {
  const valid: Array<[string, string | Uint8Array, ImageFields]> = [
    ['every field (YAML)', FULL_YAML, FULL_FIELDS],
    ['every field as bytes', bytes(FULL_YAML), FULL_FIELDS],
    [
      'a public image with empty credentials',
      `registrypath: nginx:1.25\nusername: ""\npassword: ""\n`,
      { registryPath: 'nginx:1.25', username: '', password: '' },
    ],
    ['registrypath alone', 'registrypath: nginx', { registryPath: 'nginx', username: '', password: '' }],
    [
      'null credentials and empty optional fields',
      'registrypath: nginx\nusername:\npassword: ~\nemail: ""\nregion: ""\n',
      { registryPath: 'nginx', username: '', password: '' },
    ],
    [
      'JSON with ImageName',
      JSON.stringify({ ImageName: 'ghcr.io/org/app:v1', Username: 'bot', Password: SENTINEL }),
      { registryPath: 'ghcr.io/org/app:v1', username: 'bot', password: SENTINEL },
    ],
    [
      'JSON with mixed-case keys',
      `{"IMAGENAME": "app", "userName": "u", "PASSWORD": "p", "ServerAddress": "r.io", "IdentityToken": "t"}`,
      { registryPath: 'app', username: 'u', password: 'p', serverAddress: 'r.io', identityToken: 't' },
    ],
    [
      'registrypath and ImageName with the same value',
      'registrypath: app\nImageName: app\n',
      { registryPath: 'app', username: '', password: '' },
    ],
    [
      'unknown keys, comments and a BOM',
      '\uFEFF# written by hand\nregistrypath: app # the image\nextra: [1, 2]\n',
      { registryPath: 'app', username: '', password: '' },
    ],
    [
      'quoted values that look like numbers',
      `registrypath: "localhost:5000/app"\nusername: "1234"\npassword: '0777'\n`,
      { registryPath: 'localhost:5000/app', username: '1234', password: '0777' },
    ],
    [
      'a few aliases',
      'registrypath: &img app\nusername: &u bot\nrepository: *u\n',
      { registryPath: 'app', username: 'bot', password: '', repository: 'bot' },
    ],
  ];

  it.each(valid)('parses %s', (_label, content, expected) => {
    expect(parseImageFile('img', content)).toStrictEqual(expected);
  });
});

describe('parseImageFile: invalid files', () => {
  const invalid: Array<[string, string | Uint8Array, RegExp]> = [
    ['no registrypath', `username: u\npassword: ${SENTINEL}\n`, /no "registrypath"/],
    ['empty registrypath', `registrypath: ""\npassword: ${SENTINEL}\n`, /no "registrypath"/],
    ['uppercase reference', `registrypath: Nginx\npassword: ${SENTINEL}\n`, /not a valid image reference: .*lowercase/],
    ['reference with a scheme', 'registrypath: "http://x/y"', /not a valid image reference: .*URL scheme/],
    ['reference with a bad digest', `registrypath: a@sha256:abc`, /64 hex characters, got 3/],
    ['JSON with a bad ImageName', '{"ImageName": "a//b"}', /empty component/],
    [
      'number username',
      `registrypath: a\nusername: 42\npassword: ${SENTINEL}`,
      /^field "username" must be a string, got number$/,
    ],
    ['boolean password', 'registrypath: a\npassword: true', /^field "password" must be a string, got boolean$/],
    ['list email', 'registrypath: a\nemail: [a, b]', /^field "email" must be a string, got list$/],
    ['mapping auth', `registrypath: a\nauth: {value: ${SENTINEL}}`, /^field "auth" must be a string, got mapping$/],
    ['number registrypath', 'registrypath: 12', /^field "registrypath" must be a string, got number$/],
    ['JSON number Password', '{"ImageName": "a", "Password": 1}', /^field "Password" must be a string, got number$/],
    ['conflicting spellings', 'registrypath: a\nImageName: b', /"registrypath" and "ImageName" conflict/],
    ['top-level list', `- registrypath: a\n- password: ${SENTINEL}`, /must be a mapping .* got list/],
    ['top-level scalar', 'nginx:latest', /must be a mapping .* got string/],
    ['top-level number', '42', /must be a mapping .* got number/],
    ['comments only', '# nothing here\n', /not valid YAML or JSON: expected a document/],
    ['broken YAML', `registrypath: a\npassword: "${SENTINEL}`, /not valid YAML or JSON: unexpected end/],
    [
      'bad indentation',
      `registrypath: a\n password: ${SENTINEL}: x\n`,
      /not valid YAML or JSON: .*\(line \d+, column \d+\)/,
    ],
    ['broken JSON', `{"ImageName": "a", "Password": "${SENTINEL}",,}`, /not valid YAML or JSON/],
    ['duplicate keys', `password: ${SENTINEL}\npassword: ${SENTINEL}\nregistrypath: a`, /duplicated mapping key/],
    ['multiple documents', 'registrypath: a\n---\nregistrypath: b\n', /single document/],
    ['unknown tag', `registrypath: a\npassword: !${SENTINEL} x`, /unknown scalar tag !<…>/],
    ['undefined alias', `registrypath: *${SENTINEL}`, /not valid YAML or JSON/],
    ['NUL bytes', bytes(`registrypath: a\0\0\0\npassword: ${SENTINEL}`), /NUL bytes/],
    ['NUL in a string', `registrypath: a\0`, /NUL bytes/],
    ['invalid UTF-8', new Uint8Array([0x72, 0x65, 0x67, 0xff, 0xfe, 0x3a, 0x20, 0x61]), /not valid UTF-8/],
    ['UTF-16 with a BOM', new Uint8Array([0xff, 0xfe, 0x72, 0x00]), /not valid UTF-8/],
    ['control characters', `registrypath: a\x07\npassword: ${SENTINEL}`, /non-printable/],
    ['a string just over the bound', 'a'.repeat(MAX_RESOURCE_BYTES + 1), /larger than 65536 bytes/],
    ['multi-byte text over the bound', 'é'.repeat(MAX_RESOURCE_BYTES / 2 + 1), /larger than 65536 bytes/],
    ['a 100 MB buffer', new Uint8Array(100 * 1024 * 1024).fill(0x61), /larger than 65536 bytes/],
    ['a 100 MB string', 'a'.repeat(100 * 1024 * 1024), /larger than 65536 bytes/],
    [
      'billion laughs',
      [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
        'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
        'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
        'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
        'registrypath: a',
      ].join('\n'),
      /aliases exceeded maxAliases/,
    ],
    ['deep nesting', `registrypath: a\nx: ${'['.repeat(1000)}${']'.repeat(1000)}`, /maxDepth/],
  ];

  it.each(invalid)('rejects %s', (_label, content, reason) => {
    const error = thrown(() => parseImageFile('img', content));
    expect(error).toBeInstanceOf(InvalidResourceError);
    const invalidError = error as InvalidResourceError;
    expect(invalidError.resource).toBe('img');
    expect(invalidError.kind).toBe('invalid');
    expect(invalidError.reason).toMatch(reason);
    for (const secret of SECRETS) {
      expect(invalidError.message).not.toContain(secret);
      expect(inspect(invalidError, { depth: 10 })).not.toContain(secret);
    }
  });

  it.each([
    ['an empty string', ''],
    ['whitespace', ' \n\t\r\n  '],
    ['empty bytes', new Uint8Array()],
    ['whitespace bytes', bytes('\n\n   \n')],
  ])('reports %s as missing', (_label, content) => {
    const error = thrown(() => parseImageFile('img', content));
    expect(error).toBeInstanceOf(MissingResourceError);
    expect((error as MissingResourceError).reason).toBe('resource file is empty');
  });

  it('accepts a file of exactly the size bound', () => {
    const content = `registrypath: a\n#${'x'.repeat(MAX_RESOURCE_BYTES - 18)}\n`;
    expect(bytes(content).byteLength).toBe(MAX_RESOURCE_BYTES);
    expect(parseImageFile('img', content).registryPath).toBe('a');
  });
});

describe('contentDigest', () => {
  const yaml = `registrypath: app:1\nusername: bot\npassword: ${SENTINEL}\nregion: eu\n`;
  const reordered = `region: eu\npassword: ${SENTINEL}\nusername: bot\nregistrypath: app:1\n`;
  const json = JSON.stringify({ Password: SENTINEL, ImageName: 'app:1', region: 'eu', Username: 'bot' });

  it('is the same for the same content in YAML, reordered YAML and JSON', () => {
    const digest = contentDigest(parseImageFile('img', yaml));
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(contentDigest(parseImageFile('img', reordered))).toBe(digest);
    expect(contentDigest(parseImageFile('img', json))).toBe(digest);
  });

  it('changes when the password changes', () => {
    const other = yaml.replace(SENTINEL, `${SENTINEL}2`);
    expect(contentDigest(parseImageFile('img', other))).not.toBe(contentDigest(parseImageFile('img', yaml)));
  });

  it('does not reveal the password', () => {
    expect(contentDigest(parseImageFile('img', yaml))).not.toContain(SENTINEL);
  });
});

describe('ImageInfo', () => {
  const info = new ImageInfo(FULL_FIELDS, 'img');

  it('exposes every field and the parsed reference', () => {
    expect(info.registryPath).toBe(IMAGE);
    expect(info.username).toBe('docker-registry');
    expect(info.password).toBe(SENTINEL);
    expect(info.auth).toBe(AUTH);
    expect(info.email).toBe('me@example.com');
    expect(info.identityToken).toBe(ID_TOKEN);
    expect(info.registryToken).toBe(REG_TOKEN);
    expect(info.repository).toBe('charm/abc123');
    expect(info.serverAddress).toBe('registry.jujucharms.com');
    expect(info.region).toBe('us-east-1');
    expect(info.resource).toBe('img');
    expect(info.reference).toStrictEqual({
      domain: 'registry.jujucharms.com',
      path: 'charm/abc123/my-image',
      digest: SHA,
    });
    expect(info.registry).toBe('registry.jujucharms.com');
    expect(info.fields()).toStrictEqual(FULL_FIELDS);
  });

  it('defaults the registry to docker.io', () => {
    expect(new ImageInfo({ registryPath: 'nginx', username: '', password: '' }).registry).toBe('docker.io');
  });

  it('returns copies, so callers cannot change it', () => {
    const copy = info.fields();
    copy.password = 'changed';
    expect(info.password).toBe(SENTINEL);
  });

  it('rejects an invalid registryPath', () => {
    const error = thrown(() => new ImageInfo({ registryPath: 'A//b', username: '', password: SENTINEL }, 'img'));
    expect(error).toBeInstanceOf(InvalidResourceError);
    expect(String(error)).not.toContain(SENTINEL);
  });

  it('never shows a credential in JSON, inspection or toString', () => {
    const shown = [
      JSON.stringify(info),
      inspect(info),
      inspect({ nested: [info] }, { depth: 10 }),
      String(info),
      `${info}`,
    ];
    for (const text of shown) {
      for (const secret of SECRETS) expect(text).not.toContain(secret);
    }
    expect(String(info)).toBe(`ImageInfo(${IMAGE})`);
    expect(inspect(info)).toContain('<redacted>');
    expect(inspect(info)).toContain(IMAGE);
  });

  it('redacts non-empty credentials in toJSON and keeps the rest', () => {
    expect(JSON.parse(JSON.stringify(info))).toStrictEqual({
      ...FULL_FIELDS,
      password: '<redacted>',
      auth: '<redacted>',
      identityToken: '<redacted>',
      registryToken: '<redacted>',
    });
    const publicInfo = new ImageInfo({ registryPath: 'nginx', username: '', password: '' });
    expect(publicInfo.toJSON()).toStrictEqual({ registryPath: 'nginx', username: '', password: '' });
  });

  it('builds imageDetails, omitting empty credentials', () => {
    expect(info.toImageDetails()).toStrictEqual({ imagePath: IMAGE, username: 'docker-registry', password: SENTINEL });
    expect(new ImageInfo({ registryPath: 'nginx', username: '', password: '' }).toImageDetails()).toStrictEqual({
      imagePath: 'nginx',
    });
  });

  it('builds a .dockerconfigjson keyed by the server address, keeping a given auth', () => {
    expect(JSON.parse(info.toDockerConfigJson())).toStrictEqual({
      auths: {
        'registry.jujucharms.com': {
          username: 'docker-registry',
          password: SENTINEL,
          auth: AUTH,
          email: 'me@example.com',
          identitytoken: ID_TOKEN,
          registrytoken: REG_TOKEN,
        },
      },
    });
  });

  it('builds a .dockerconfigjson keyed by the registry, computing auth', () => {
    const private_ = new ImageInfo({ registryPath: 'localhost:5000/app:1', username: 'bot', password: 'pä:ss' });
    expect(JSON.parse(private_.toDockerConfigJson())).toStrictEqual({
      auths: {
        'localhost:5000': {
          username: 'bot',
          password: 'pä:ss',
          auth: Buffer.from('bot:pä:ss', 'utf8').toString('base64'),
        },
      },
    });
  });

  it('keys Docker Hub images by the conventional index URL', () => {
    const hub = new ImageInfo({ registryPath: 'org/app', username: 'u', password: 'p' });
    expect(Object.keys(JSON.parse(hub.toDockerConfigJson()).auths)).toStrictEqual(['https://index.docker.io/v1/']);
  });

  // References Juju accepts that the layer used to refuse (issue 12), and the key each one gets.
  const HUB_KEY = 'https://index.docker.io/v1/';
  const HEX64 = '0123456789abcdef'.repeat(4);
  it.each([
    ['TEAM/app', 'TEAM', 'TEAM'],
    ['LOCALHOST/x', 'LOCALHOST', 'LOCALHOST'],
    ['Team:5000/app:V1', 'Team:5000', 'Team:5000'],
    ['[::1]:5000/x', '[::1]:5000', '[::1]:5000'],
    ['[FC00::1]/x', '[FC00::1]', '[FC00::1]'],
    [`r.io/${'a'.repeat(255)}`, 'r.io', 'r.io'],
    [`${'h'.repeat(300)}.io/app`, `${'h'.repeat(300)}.io`, `${'h'.repeat(300)}.io`],
    [`registry.example/app:1@sha512:${HEX64}${HEX64}`, 'registry.example', 'registry.example'],
    ['foo_bar.com/x', 'docker.io', HUB_KEY],
    ['docker.io/nginx', 'docker.io', HUB_KEY],
    ['index.docker.io/team/app', 'index.docker.io', HUB_KEY],
    [`sha256:${HEX64}`, 'docker.io', HUB_KEY],
    [`${HEX64}:latest`, 'docker.io', HUB_KEY],
  ])('keys %s by %s', (registryPath, registry, key) => {
    const image = new ImageInfo({ registryPath, username: 'u', password: 'p' });
    expect(image.registry).toBe(registry);
    expect(Object.keys(JSON.parse(image.toDockerConfigJson()).auths)).toStrictEqual([key]);
  });

  it.each([
    ['a Docker Hub name over 255 characters with library/', 'a'.repeat(248), /256 characters long/],
    ['an unregistered digest algorithm', `app@md5:${'a'.repeat(32)}`, /sha256, sha384 or sha512/],
    ['a bare image id', HEX64, /image id/],
  ])('rejects %s, which Juju refuses too', (_label, registryPath, reason) => {
    const error = thrown(() => new ImageInfo({ registryPath, username: '', password: SENTINEL }, 'img'));
    expect(error).toBeInstanceOf(InvalidResourceError);
    expect(String(error)).toMatch(reason);
    expect(String(error)).not.toContain(SENTINEL);
  });
});

describe('redactImageFields', () => {
  it('replaces exactly the secret fields', () => {
    expect(SECRET_FIELDS).toStrictEqual(['password', 'auth', 'identityToken', 'registryToken']);
    const redacted = redactImageFields(FULL_FIELDS);
    for (const secret of SECRETS) expect(JSON.stringify(redacted)).not.toContain(secret);
    expect(redacted.username).toBe('docker-registry');
    expect(FULL_FIELDS.password).toBe(SENTINEL);
  });

  it('covers nested values: a credential inside another field, or a credential that is not a string', () => {
    const nested = { ...FULL_FIELDS, username: { password: SENTINEL, note: 'x' }, auth: { token: SENTINEL } } as unknown as ImageFields;
    const redacted = redactImageFields(nested);
    expect(JSON.stringify(redacted)).not.toContain(SENTINEL);
    expect(redacted).toMatchObject({ username: { password: '<redacted>', note: 'x' }, auth: '<redacted>' });
    expect(JSON.stringify(redact({ a: [{ identitytoken: { deep: SENTINEL } }], Password: [SENTINEL] }))).not.toContain(SENTINEL);
  });
});

describe('parseImageFile: property', () => {
  const outcome = (content: string | Uint8Array): void => {
    try {
      const fields = parseImageFile('img', content);
      expect(typeof fields.registryPath).toBe('string');
    } catch (error) {
      expect(error instanceof InvalidResourceError || error instanceof MissingResourceError).toBe(true);
    }
  };

  it('returns fields or throws a resource error for any string', () => {
    const keyed = fc
      .dictionary(
        fc.constantFrom('registrypath', 'ImageName', 'username', 'Password', 'auth', 'email', 'other'),
        fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 })),
      )
      .map((object) => JSON.stringify(object));
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), keyed), outcome), { numRuns: 300 });
  });

  it('returns fields or throws a resource error for any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), outcome), { numRuns: 300 });
  });
});

describe('a flat JSON resource file is read without the YAML parser, to the same value', () => {
  const primitive = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
  const key = fc.oneof(fc.constantFrom('registrypath', 'ImageName', 'username', 'password', '__proto__', 'constructor'), fc.string());
  const indent = fc.constantFrom(undefined, 0, 2, '\t');

  it('gives what js-yaml gives, for any flat object in any layout', () => {
    fc.assert(
      fc.property(fc.dictionary(key, primitive, { maxKeys: 6 }), indent, (object, space) => {
        const text = JSON.stringify(object, null, space);
        const fast = flatJson(text);
        expect(fast).toBeDefined();
        expect(fast).toEqual(yamlDocument('img', text));
      }),
      { numRuns: 300 },
    );
  });

  it('leaves a key given twice, nesting, and anything not a JSON object to js-yaml', () => {
    for (const text of [
      '{"registrypath": "a/b:1", "registrypath": "c/d:2"}',
      '{"a": "x,\\"y", "a": 1}',
      '{"registrypath": "a/b:1", "auth": {"token": "t"}}',
      '{"registrypath": ["a"]}',
      '["a"]',
      'registrypath: a/b:1',
      '{registrypath: a/b:1}',
      '{"a": 1} trailing',
    ])
      expect([text, flatJson(text)]).toEqual([text, undefined]);
    expect(() => parseImageFile('img', '{"registrypath": "a/b:1", "registrypath": "c/d:2"}')).toThrow(InvalidResourceError);
  });
});
