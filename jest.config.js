/**
 * Jest runs the TypeScript sources as ESM through ts-jest, transpile-only
 * (tsconfig's isolatedModules; `tsc --noEmit` in `npm test` type-checks).
 * Not @swc/jest: the registry this project installs from serves only this
 * platform's @swc/core binary, so the lock file cannot record the others
 * and `npm ci` refuses it. ts-jest is plain JavaScript.
 */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/test', '<rootDir>/examples'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  testTimeout: 30000,
};
