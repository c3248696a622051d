// Runs the measurements of test/multi-instance (*.measure.ts) by hand, never in `npm test`:
//   npm run build && NODE_OPTIONS=--experimental-vm-modules npx jest -c test/multi-instance/jest.measure.config.mjs
export default {
  rootDir: '../..',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }] },
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/multi-instance/**/*.measure.ts'],
};
