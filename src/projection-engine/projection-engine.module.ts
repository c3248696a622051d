// The projection engine: the served projections run blue/green in the subscription runner, the
// read store queries see, and the analysts' API (builds, rebuilds, replays).
//
// Queries read through READ_STORE. Which physical collection answers a read of a projection
// depends on its serving build, which only this room knows; so this module provides READ_STORE
// (ServingReadStore over the selected adapter). The read store module below it only selects and
// closes the adapter (READ_STORE_SELECTION), knowing nothing of projections.
import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { StoreSelection } from '../eventstore/event-store-selection.js';
import { READ_STORE_SELECTION } from '../readstore/read-store-selection.js';
import { READ_STORE, type ReadStore } from '../readstore/read-store.port.js';
import { SubscriptionRunner } from '../subscriptions/subscription-runner.js';
import { BlueGreenProjections } from './blue-green-projections.js';
import type { DocumentProjection } from './projection.js';
import { ProjectionRegistry } from './projection-registry.js';
import { ProjectionsController, REPLAYABLE_PROJECTIONS } from './projections.http.js';
import { ServingReadStore } from './serving-read-store.js';

export interface ProjectionEngineOptions {
  /** The projections the service serves (run blue/green). */
  projections: readonly DocumentProjection[];
  /** Projections analysts may replay on demand (not run by the service). */
  scratchProjections: readonly DocumentProjection[];
}

@Global()
@Module({})
export class ProjectionEngineModule {
  static forRoot({ projections, scratchProjections }: ProjectionEngineOptions): DynamicModule {
    return {
      module: ProjectionEngineModule,
      controllers: [ProjectionsController],
      providers: [
        // Which build serves each projection; shared by the builds and the queries' read store.
        { provide: ProjectionRegistry, inject: [READ_STORE_SELECTION], useFactory: (selection: StoreSelection<ReadStore>) => new ProjectionRegistry(selection.store) },
        {
          provide: BlueGreenProjections,
          inject: [SubscriptionRunner, ProjectionRegistry],
          useFactory: (runner: SubscriptionRunner, registry: ProjectionRegistry) => BlueGreenProjections.addTo(runner, projections, registry),
        },
        {
          provide: READ_STORE,
          inject: [READ_STORE_SELECTION, ProjectionRegistry],
          useFactory: (selection: StoreSelection<ReadStore>, registry: ProjectionRegistry): ReadStore => new ServingReadStore(selection.store, registry),
        },
        { provide: REPLAYABLE_PROJECTIONS, useValue: { scratch: scratchProjections, served: projections } },
      ],
      exports: [READ_STORE, ProjectionRegistry, BlueGreenProjections],
    };
  }
}
