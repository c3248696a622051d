// Which build of each projection serves queries (the active one) and which one is being built.
// Query handlers ask it for the collection to read (collectionOf); it switches to a new build
// only when BlueGreenProjections has seen that build catch up. Kept as documents in the read
// store, so a restart serves the same build and resumes a rebuild in progress.
import type { ReadDocument, ReadStore } from '../readstore/read-store.port.js';
import type { DocumentProjection } from './projection.js';
import type { ProjectionBuild } from './projection-build.js';

export const REGISTRY_COLLECTION = 'projection_registry';
const REGISTRY_SUBSCRIBER = 'projection-registry';

export interface RegistryEntry {
  active: ProjectionBuild;
  building: ProjectionBuild | null;
  /** Highest build number used for the active version (rebuilds take the next one). */
  lastBuild: number;
  switchedAt: string | null;
}

type RegistryDocument = ReadDocument & RegistryEntry;

export class ProjectionRegistry {
  private readonly entries = new Map<string, RegistryDocument>();
  /** Declared collection name -> projection name, for resolve(). */
  private readonly declared = new Map<string, string>();
  private loaded = false;

  constructor(private readonly readStore: ReadStore) {}

  async load(): Promise<void> {
    await this.readStore.ensureCollection({ name: REGISTRY_COLLECTION });
    for (const doc of await this.readStore.find<RegistryDocument>(REGISTRY_COLLECTION, {})) this.entries.set(doc._id, doc);
    this.loaded = true;
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  entry(name: string): RegistryEntry | undefined {
    return this.entries.get(name);
  }

  /** Makes reads of the projection's declared collection follow its serving build (resolve). */
  declare(projection: Pick<DocumentProjection, 'name' | 'collection'>): void {
    this.declared.set(projection.collection.name, projection.name);
  }

  /**
   * The physical collection that answers a read of `collection`: for a projection's declared
   * collection, its serving build's; any other name as it is. Builds other than a version's
   * first are suffixed (_b<n>), so a build being filled never has a declared name.
   */
  resolve(collection: string): string {
    const name = this.declared.get(collection);
    return name === undefined ? collection : (this.entries.get(name)?.active.collection ?? collection);
  }

  /** The collection that answers queries for the projection now. */
  collectionOf(projection: Pick<DocumentProjection, 'name' | 'collection'>): string {
    return this.entries.get(projection.name)?.active.collection ?? projection.collection.name;
  }

  /** Changes memory first (queries see it at once), then makes it durable. */
  async save(name: string, entry: RegistryEntry): Promise<void> {
    const previous = this.entries.get(name);
    const doc: RegistryDocument = { ...entry, _id: name, _position: (previous?._position ?? 0) + 1 };
    this.entries.set(name, doc);
    await this.readStore.commit({ subscriber: REGISTRY_SUBSCRIBER, writes: [{ op: 'upsert', collection: REGISTRY_COLLECTION, doc }], checkpoint: BigInt(doc._position) });
  }
}
