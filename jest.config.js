/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testTimeout: 60000,
  // One PostgreSQL server per run for the store suite (TEST_DATABASE_URL or an embedded one).
  globalSetup: '<rootDir>/test/support/postgres/globalSetup.ts',
  globalTeardown: '<rootDir>/test/support/postgres/globalTeardown.ts',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  // ESM-only dependency of @microsoft/app-manifest; see the file for why.
  moduleNameMapper: { '^strip-bom$': '<rootDir>/test/support/stripBom.js' },
};
