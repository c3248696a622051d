// Dependency direction, checked in CI (npm run lint:deps, part of npm test).
// The house plan (README, "The house"): the composition root on top; bounded contexts below it;
// platform rooms under them, knowing no context; the stores at the bottom.
const PURE = '(\\.decider\\.ts$|^src/decider/|^src/money/money\\.ts$|^src/access/roles\\.ts$)';
const PLATFORM_ROOMS = 'snapshots|leases|personal-data|backup|sqlite|mongo|eventstore|readstore|credentialstore|subscriptions|projection-engine|command-handling|http|config|clock|decider|money|idempotency|access|observability|health|scheduling|console';
const CONTEXTS = 'inventory|ordering|payments|shipping|fulfillment|identity|data-protection|audit';
const ROOT = '^src/(main|event-log-check|create-app|app\\.module|upcasters|personal-data-declarations)\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'pure-domain',
      comment: 'Deciders (decide/evolve) import only other pure domain code: no framework, driver, clock or I/O.',
      severity: 'error',
      from: { path: PURE },
      to: { pathNot: PURE },
    },
    {
      name: 'platform-knows-no-feature',
      comment: 'Platform rooms take what a feature owns as a parameter (from the composition root); they never import a bounded context or a projection.',
      severity: 'error',
      from: { path: `^src/(${PLATFORM_ROOMS})/` },
      to: { path: `^(src/(${CONTEXTS})/|projections/)` },
    },
    {
      name: 'only-entry-points-import-the-root',
      comment: 'The composition root (app module, app factory, the lists it hands down) is imported only by main.ts and the CLI (and bench and tests, which are not cruised).',
      severity: 'error',
      from: { path: '^(src|projections)/', pathNot: `(^src/cli/|${ROOT})` },
      to: { path: ROOT },
    },
    {
      name: 'subscriptions-below-the-projection-engine',
      comment: 'The projection engine runs its builds in the subscription runner; the runner knows no projection engine.',
      severity: 'error',
      from: { path: '^src/subscriptions/' },
      to: { path: '^src/projection-engine/' },
    },
    {
      name: 'stores-below-subscriptions',
      comment: 'The stores know nothing above them: what queries read (blue/green builds) is wrapped by the projection engine, not by the read store module.',
      severity: 'error',
      from: { path: '^src/(readstore|eventstore)/' },
      to: { path: '^src/(subscriptions|projection-engine)/' },
    },
    {
      name: 'projections-read-only-events-and-ports',
      comment: 'A projection folds events into documents: from src/ it imports decider files (event types), the decider kit, money, the two store ports and the projection type.',
      severity: 'error',
      from: { path: '^projections/' },
      to: {
        path: '^src/',
        pathNot: '(\\.decider\\.ts$|^src/decider/|^src/money/money\\.ts$|^src/access/roles\\.ts$|^src/eventstore/event-store\\.port\\.ts$|^src/readstore/read-store\\.port\\.ts$|^src/projection-engine/projection\\.ts$)',
      },
    },
    {
      name: 'features-use-ports-not-adapters',
      comment: 'Bounded contexts and projections talk to stores through their ports; adapters are wired only in the store modules.',
      severity: 'error',
      from: { path: '^(src/(inventory|ordering|payments|shipping|fulfillment|identity|data-protection|audit)|projections)/' },
      to: { path: '(^src/(eventstore|readstore|credentialstore|personal-data)/(sqlite|embedded|esdb|mongo)|^src/mongo/)' },
    },
    {
      name: 'mongo-plumbing-knows-no-room',
      comment: 'src/mongo/ holds what every MongoDB adapter shares (connection defaults, the database name): it sits under the adapters and imports only the driver.',
      severity: 'error',
      from: { path: '^src/mongo/' },
      to: { path: '^(src|projections)/', pathNot: '^src/mongo/' },
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
