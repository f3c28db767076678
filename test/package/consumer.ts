/**
 * Fresh consumers of the packed tarball, for test/package/pack.test.ts. The tarball is unpacked
 * as npm would (`node_modules/docker-resource`, its bin linked in `node_modules/.bin`), and its
 * dependencies are linked from this repository's node_modules, so nothing is fetched: CI runs
 * on a fresh clone right after `npm ci`, whose cache holds tarballs but not the registry's
 * metadata an offline `npm install` needs. Only what the package declares is linked, so an
 * undeclared dependency fails to load.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readmeExamples } from '../readme/examples.js';

/** This repository. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The TypeScript compiler the consumers use (the repository's, TypeScript 5). */
export const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

function link(nodeModules: string, name: string): void {
  const target = join(ROOT, 'node_modules', name);
  mkdirSync(dirname(join(nodeModules, name)), { recursive: true });
  symlinkSync(target, join(nodeModules, name), 'dir');
}

/** Unpacks the tarball into `<dir>/node_modules/docker-resource` and links its dependencies and bin; returns the bin's path. */
export function installTarball(tarball: string, dir: string): string {
  const nodeModules = join(dir, 'node_modules');
  const pkgDir = join(nodeModules, 'docker-resource');
  mkdirSync(pkgDir, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', pkgDir, '--strip-components=1']);
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    bin: Record<string, string>;
  };
  for (const name of Object.keys(pkg.dependencies ?? {})) link(nodeModules, name);
  // What a TypeScript charm and its jest tests bring themselves.
  for (const name of ['@types/node', 'expect']) link(nodeModules, name);
  jestGlobalsStandIn(join(nodeModules, '@jest', 'globals'));
  mkdirSync(join(nodeModules, '.bin'));
  const bin = join(nodeModules, '.bin', 'docker-resource');
  symlinkSync(join('..', 'docker-resource', pkg.bin['docker-resource']!), bin);
  chmodSync(join(pkgDir, pkg.bin['docker-resource']!), 0o755); // as npm's bin-links does
  return bin;
}

/**
 * `@jest/globals` for the README's jest test outside jest: `it` and the hooks from node:test,
 * `expect` from jest's own expect package. The test then runs with `node test/charm.test.js`.
 */
function jestGlobalsStandIn(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@jest/globals', main: 'index.cjs', types: 'index.d.ts' }));
  writeFileSync(
    join(dir, 'index.cjs'),
    [
      "'use strict';",
      "const test = require('node:test');",
      'exports.it = test.it;',
      'exports.test = test.test;',
      'exports.describe = test.describe;',
      'exports.beforeEach = test.beforeEach;',
      'exports.afterEach = test.afterEach;',
      "exports.expect = require('expect').expect;",
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'index.d.ts'),
    "export { it, test, describe, beforeEach, afterEach } from 'node:test';\nexport { expect } from 'expect';\n",
  );
}

/** A consumer: how its package.json declares its modules, and how TypeScript resolves. */
export interface ConsumerKind {
  name: string;
  type: 'module' | 'commonjs';
  compilerOptions: Record<string, string>;
}

/** The consumers: ES module and CommonJS with `nodenext`, and an ES module with `bundler` resolution. */
export const CONSUMERS: ConsumerKind[] = [
  { name: 'esm-nodenext', type: 'module', compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' } },
  { name: 'cjs-nodenext', type: 'commonjs', compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' } },
  { name: 'esm-bundler', type: 'module', compilerOptions: { module: 'preserve', moduleResolution: 'bundler' } },
];

/** Writes a fresh TypeScript project (strict, no skipLibCheck) holding the README's examples; returns its directory. */
export function writeConsumer(parent: string, kind: ConsumerKind): string {
  const dir = join(parent, kind.name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${kind.name}`, private: true, type: kind.type }, null, 2));
  const compilerOptions = { ...kind.compilerOptions, target: 'es2022', lib: ['es2023'], types: ['node'], strict: true, skipLibCheck: false, rootDir: '.', outDir: 'out' };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['src', 'test'] }, null, 2));
  for (const [path, code] of readmeExamples()) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), code);
  }
  return dir;
}
