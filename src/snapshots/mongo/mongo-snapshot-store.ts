// Snapshots in production: a collection beside the read models in MongoDB, one document per
// stream (_id = stream id), so every instance restores the same snapshots. The state and the
// command filter are kept as JSON text (a state may hold keys MongoDB would refuse, e.g. "a.b"),
// the position as decimal text (a bigint). A cache: a lost or stale write costs a longer fold only.
import { MongoServerError, type Collection, type MongoClient } from 'mongodb';
import { connectMongo } from '../../mongo/mongo-connection.js';
import type { SnapshotStore, StoredSnapshot } from '../snapshot-store.port.js';

export const SNAPSHOTS_COLLECTION = '_snapshots';
const DUPLICATE_KEY = 11000;

interface SnapshotDocument {
  _id: string;
  version: string;
  revision: number;
  position: string;
  hash: string;
  state: string;
  commands: string;
}

export class MongoSnapshotStore implements SnapshotStore {
  private readonly snapshots: Collection<SnapshotDocument>;

  constructor(
    private readonly client: MongoClient,
    database?: string,
  ) {
    this.snapshots = client.db(database).collection<SnapshotDocument>(SNAPSHOTS_COLLECTION);
  }

  static connect(url: string): MongoSnapshotStore {
    // A snapshot lost in a failover is only a slower load from the log: the driver's concerns do.
    const { client, database } = connectMongo(url, { appName: 'orderstream-snapshot-store', majority: false });
    return new MongoSnapshotStore(client, database);
  }

  async load(streamId: string): Promise<StoredSnapshot | undefined> {
    const found = await this.snapshots.findOne({ _id: streamId });
    if (found === null) return undefined;
    const { _id, position, ...rest } = found;
    return { streamId: _id, position: BigInt(position), ...rest };
  }

  async save(snapshot: StoredSnapshot): Promise<void> {
    const { streamId, position, ...rest } = snapshot;
    try {
      // Matches no document when a later revision of the same version is stored: the upsert's
      // insert then collides on _id, which is the "keep the later one" answer.
      await this.snapshots.updateOne(
        { _id: streamId, $or: [{ version: { $ne: snapshot.version } }, { revision: { $lt: snapshot.revision } }] },
        { $set: { ...rest, position: position.toString() } },
        { upsert: true },
      );
    } catch (error) {
      if (!(error instanceof MongoServerError && Number(error.code) === DUPLICATE_KEY)) throw error;
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
