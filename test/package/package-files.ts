/** What an unpacked package holds that nobody loads, and source maps that point at sources it lacks. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Every file under `dir`, as paths relative to it. */
export function listFiles(dir: string, sub = ''): string[] {
  return readdirSync(join(dir, sub)).flatMap((name) => {
    const path = join(sub, name);
    return statSync(join(dir, path)).isDirectory() ? listFiles(dir, path) : [path];
  });
}

/** Relative module specifiers in JavaScript or declarations (`'./x.js'`, `"../y.js"`, `'./z.cjs'`, minified or not). */
const SPECIFIER = /["'](\.{1,2}\/[^"'\s]+\.c?js)["']/g;

/** The files reachable from `entries` through relative imports (static, re-exports, dynamic), `.js` mapped by `ext`. */
function reachable(dir: string, entries: string[], ext: '.js' | '.d.ts'): Set<string> {
  const seen = new Set<string>();
  const queue = entries.filter((e) => existsSync(join(dir, e)));
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, specifier] of readFileSync(join(dir, file), 'utf8').matchAll(SPECIFIER)) {
      const target = relative(dir, resolve(dirname(join(dir, file)), specifier!)).replace(/\.js$/, ext);
      if (existsSync(join(dir, target))) queue.push(target);
    }
  }
  return seen;
}

/**
 * Files in the package that neither an export nor the bin loads: every `.js` and `.d.ts` must be
 * reachable from them, or be the declarations, map or legal notice beside a reachable `.js`; `also`
 * lists what is there for other reasons (LICENSE, docs, the demo's fake hook tools).
 */
export function unloadedFiles(dir: string, entries: { js: string[]; dts: string[] }, also: RegExp): string[] {
  const js = reachable(dir, entries.js, '.js');
  const dts = reachable(dir, entries.dts, '.d.ts');
  return listFiles(dir).filter((file) => {
    if (also.test(file) || js.has(file) || dts.has(file)) return false;
    const beside = file.replace(/\.d\.ts$/, '.js').replace(/\.(map|LEGAL\.txt)$/, '');
    return !(beside !== file && js.has(beside));
  });
}

/** Source maps with a source that is neither in the package nor inlined (`sourcesContent`). */
export function mapsWithMissingSources(dir: string): string[] {
  const problems: string[] = [];
  for (const file of listFiles(dir).filter((f) => f.endsWith('.map'))) {
    const map = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
    map.sources.forEach((source, i) => {
      const inlined = typeof map.sourcesContent?.[i] === 'string';
      if (!inlined && !existsSync(resolve(dirname(join(dir, file)), source))) problems.push(`${file}: ${source}`);
    });
  }
  return problems;
}
