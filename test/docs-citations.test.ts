/** Doc comments, messages and tests cite docs/BEHAVIOUR.md, which the repository and the package hold, by sections it has. */
import { expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TREES = ['src', 'machines', 'test', 'bin', 'bench', 'examples', 'scripts', 'docs', 'README.md'];

function files(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => (name === 'node_modules' || name === 'dist' ? [] : files(join(path, name))));
}

it('every citation of BEHAVIOUR.md is docs/BEHAVIOUR.md, and each § it cites is a section there', () => {
  const sections = new Set([...readFileSync(join(ROOT, 'docs/BEHAVIOUR.md'), 'utf8').matchAll(/^## (\d+)\. /gm)].map((m) => m[1]));
  const wrong: string[] = [];
  for (const file of TREES.flatMap((t) => files(join(ROOT, t)))) {
    if (file === fileURLToPath(import.meta.url)) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(docs\/)?BEHAVIOUR\.md((?: §\d+(?:–§\d+)?)?)/g)) {
      const numbers = [...(m[2] ?? '').matchAll(/§(\d+)/g)].map((n) => n[1]!);
      if (!m[1] || !numbers.every((n) => sections.has(n))) wrong.push(`${relative(ROOT, file)}: ${m[0]}`);
    }
  }
  expect(wrong).toEqual([]);
});
