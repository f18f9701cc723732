/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testTimeout: 60000,
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  // ESM-only dependency of @microsoft/app-manifest; see the file for why.
  moduleNameMapper: { '^strip-bom$': '<rootDir>/test/support/stripBom.js' },
};
