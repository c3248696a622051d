// Three tiers selected by file name (STYLE.md): *.unit.spec.ts, *.int.spec.ts, *.e2e.spec.ts.
// NestJS 12 is ESM-only, so Jest runs in ESM mode (NODE_OPTIONS=--experimental-vm-modules).
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/projections', '<rootDir>/test'],
};

export default {
  // A ceiling for a hung test, not a performance assertion: the e2e suites start real processes,
  // and CI's two cores also run them, so Jest's 5 s default would make slow moments flaky.
  testTimeout: 30_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['**/*.unit.spec.ts'] },
    { ...common, displayName: 'int', testMatch: ['**/*.int.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['**/*.e2e.spec.ts'] },
  ],
};
