/** The README's examples: each fenced TypeScript block that a `<!-- example: PATH -->` line marks, by the path it names. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository's README.md. */
export const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/** The examples of a README text, in order: path (e.g. `src/charm.ts`) → code. Throws on a path marked twice. */
export function readmeExamples(readme: string = readFileSync(README, 'utf8')): Map<string, string> {
  const examples = new Map<string, string>();
  for (const m of readme.matchAll(/^<!-- example: (\S+) -->\n```(?:ts|typescript)\n([\s\S]*?)^```$/gm)) {
    const [, path, code] = m;
    if (examples.has(path!)) throw new Error(`README.md marks two examples as ${path}`);
    examples.set(path!, code!);
  }
  return examples;
}

/** The paths the README's examples are written to, in order; the tests expect exactly these. */
export const EXAMPLE_PATHS = ['src/charm.ts', 'src/main.ts', 'test/charm.test.ts'];
