// Dependency direction, checked in CI (npm run lint:deps, part of npm test).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'pure-domain',
      comment: 'Deciders (decide/evolve) import only other pure domain code: no framework, driver, clock or I/O.',
      severity: 'error',
      from: { path: '(\\.decider\\.ts$|^src/decider/|^src/money/money\\.ts$)' },
      to: { pathNot: '(\\.decider\\.ts$|^src/decider/|^src/money/money\\.ts$)' },
    },
    {
      name: 'features-use-ports-not-adapters',
      comment: 'Bounded contexts and projections talk to stores through their ports; adapters are wired only in the store modules.',
      severity: 'error',
      from: { path: '^(src/(inventory|ordering|payments|shipping|fulfillment|identity|audit)|projections)/' },
      to: { path: '^src/(eventstore|readstore)/(sqlite|embedded|esdb|mongo)' },
    },
    {
      name: 'projections-are-not-http',
      comment: 'A projection folds events into documents; it knows nothing of HTTP or Nest.',
      severity: 'error',
      from: { path: '^projections/' },
      to: { path: '(^src/http/|@nestjs)' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
