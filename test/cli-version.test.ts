/** `docker-resource --version` and `-V`: the package's version, and nothing else. */
import { expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../dist/bundle/docker-resource.js', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

it.each([['--version'], ['-V']])('%s prints the version of package.json', (flag) => {
  expect(execFileSync(process.execPath, [CLI, flag], { encoding: 'utf8' })).toBe(`${version}\n`);
});
