/**
 * The README's examples, run as they are written there: the marked blocks (test/readme/examples.ts)
 * are written out with `docker-resource` pointing at the sources, and the README's harness test,
 * which runs the README's charm code inside h.hook, registers its tests here. test/package/ compiles
 * and runs them again against the packed tarball.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXAMPLE_PATHS, readmeExamples } from './examples.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT = join(ROOT, 'dist', 'readme-examples');
const examples = readmeExamples();

rmSync(OUT, { recursive: true, force: true });
for (const [path, code] of examples) {
  const file = join(OUT, path);
  const source = (entry: string) => {
    const target = relative(dirname(file), join(ROOT, 'src', entry));
    return target.startsWith('.') ? target : `./${target}`;
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    code.replace(/from 'docker-resource(\/testing)?'/g, (_, testing?: string) => `from '${source(testing ? 'testing/index.js' : 'index.js')}'`),
  );
}

// Checked before the README's tests load (their afterEach would apply to a test of this file).
const marked = [...examples.keys()];
if (marked.join() !== EXAMPLE_PATHS.join())
  throw new Error(`README.md marks ${marked.join(', ') || 'no example'} as examples; the tests expect ${EXAMPLE_PATHS.join(', ')}`);

// The README's own jest tests: importing the file registers them in this suite.
await import(join(OUT, 'test/charm.test.ts'));
