// The read store as queries see it: a read of a projection's declared collection (e.g.
// productDetailsProjection.collection.name) is answered from the build that serves now, so no
// query handler has to know about rebuilds. Writes, and everything the subscription runner
// does, use the physical collection names as they are (the runner gets the store unwrapped).
import type { CollectionSpec, FindOptions, ParkedEvent, ParkedEventRecord, ParkedResolution, ProjectionBatch, Query, ReadDocument, ReadStore } from '../readstore/read-store.port.js';
import type { Position } from '../eventstore/event-store.port.js';
import type { ProjectionRegistry } from './projection-registry.js';

export class ServingReadStore implements ReadStore {
  constructor(
    readonly inner: ReadStore,
    private readonly registry: ProjectionRegistry,
  ) {}

  findById<T extends ReadDocument>(collection: string, id: string): Promise<T | null> {
    return this.inner.findById<T>(this.registry.resolve(collection), id);
  }

  findByIds<T extends ReadDocument>(collection: string, ids: string[]): Promise<Map<string, T>> {
    return this.inner.findByIds<T>(this.registry.resolve(collection), ids);
  }

  find<T extends ReadDocument>(collection: string, query: Query, options?: FindOptions): Promise<T[]> {
    return this.inner.find<T>(this.registry.resolve(collection), query, options);
  }

  count(collection: string, query: Query): Promise<number> {
    return this.inner.count(this.registry.resolve(collection), query);
  }

  ensureCollection(spec: CollectionSpec): Promise<void> {
    return this.inner.ensureCollection(spec);
  }

  dropCollection(name: string): Promise<void> {
    return this.inner.dropCollection(name);
  }

  commit(batch: ProjectionBatch): Promise<void> {
    return this.inner.commit(batch);
  }

  getCheckpoint(subscriber: string): Promise<Position | undefined> {
    return this.inner.getCheckpoint(subscriber);
  }

  resetCheckpoint(subscriber: string): Promise<void> {
    return this.inner.resetCheckpoint(subscriber);
  }

  park(event: ParkedEvent): Promise<void> {
    return this.inner.park(event);
  }

  listParked(subscriber?: string): Promise<ParkedEvent[]> {
    return this.inner.listParked(subscriber);
  }

  findParked(subscriber: string, position: bigint): Promise<ParkedEventRecord | null> {
    return this.inner.findParked(subscriber, position);
  }

  resolveParked(subscriber: string, position: bigint, resolution: ParkedResolution): Promise<boolean> {
    return this.inner.resolveParked(subscriber, position, resolution);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
