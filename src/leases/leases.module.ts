// Chooses the leases with the read store: MONGODB_URL (shared read models, so possibly several
// instances) shares them out through the `_leases` collection; the embedded default is one
// process holding the data dir's file lock, which runs every subscriber as before. Starts the
// coordinator with the app and, after the subscribers have stopped, hands every lease over.
import { Global, Inject, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { LeaseCoordinator } from './lease-coordinator.js';
import { LEASES, SoleInstanceLeases, type Leases } from './leases.js';
import { MongoLeaseStore } from './mongo/mongo-lease-store.js';

export function selectLeases(config: AppConfig): { leases: Leases; close(): Promise<void> } {
  const url = config.stores.mongodbUrl;
  if (url === undefined) return { leases: new SoleInstanceLeases(config.cluster.instanceId), close: async () => {} };
  const store = MongoLeaseStore.connect(url);
  const leases = new LeaseCoordinator(store, { instanceId: config.cluster.instanceId, ttlMs: config.cluster.leaseTtlMs, logger: new Logger('Leases') });
  return { leases, close: () => store.close() };
}

const LEASES_SELECTION = Symbol('LeasesSelection');

@Global()
@Module({
  providers: [
    { provide: LEASES_SELECTION, inject: [APP_CONFIG], useFactory: selectLeases },
    { provide: LEASES, inject: [LEASES_SELECTION], useFactory: (selection: ReturnType<typeof selectLeases>) => selection.leases },
  ],
  exports: [LEASES],
})
export class LeasesModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(LEASES_SELECTION) private readonly selection: ReturnType<typeof selectLeases>) {}

  onApplicationBootstrap(): void {
    this.selection.leases.start();
  }

  // On, not before, shutdown: the subscribers and workers stop first (beforeApplicationShutdown).
  async onApplicationShutdown(): Promise<void> {
    await this.selection.leases.stop();
    await this.selection.close();
  }
}
