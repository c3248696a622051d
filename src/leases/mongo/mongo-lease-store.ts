// The LeaseStore port on MongoDB, beside the read models (the `_leases` collection the read
// store's fenced commits check, and `_instances`, the roster). Every operation is one atomic
// single-document update with majority write concern: a renewal matches only the holder's own
// document; a take-over matches only an expired (or released) one and raises the epoch; a lease
// never seen is created by an insert, where a duplicate key means another instance was first.
import { MongoServerError, type Collection, type MongoClient } from 'mongodb';
import { connectMongo } from '../../mongo/mongo-connection.js';
import { LEASES_COLLECTION } from '../../readstore/mongo/lease-fence.js';
import type { Lease, LeaseStore, LiveInstance } from '../lease-store.port.js';

export const INSTANCES_COLLECTION = '_instances';
const DUPLICATE_KEY = 11000;

interface LeaseDocument {
  _id: string;
  holder: string | null;
  epoch: number;
  expiresAt: number;
}

interface InstanceDocument {
  _id: string;
  expiresAt: number;
}

const toLease = (doc: LeaseDocument): Lease => ({ name: doc._id, holder: doc.holder, epoch: doc.epoch, expiresAt: doc.expiresAt });

export class MongoLeaseStore implements LeaseStore {
  private readonly leases: Collection<LeaseDocument>;
  private readonly instances: Collection<InstanceDocument>;

  constructor(
    private readonly client: MongoClient,
    database?: string,
  ) {
    const db = client.db(database);
    this.leases = db.collection<LeaseDocument>(LEASES_COLLECTION);
    this.instances = db.collection<InstanceDocument>(INSTANCES_COLLECTION);
  }

  static connect(url: string): MongoLeaseStore {
    // Majority both ways: a lease a failed-over primary had not replicated must not be believed.
    const { client, database } = connectMongo(url, { appName: 'orderstream-lease-store', majority: true, serverSelectionTimeoutMs: 5_000 });
    return new MongoLeaseStore(client, database);
  }

  async acquire(name: string, holder: string, ttlMs: number, now: number): Promise<Lease | undefined> {
    const expiresAt = now + ttlMs;
    const renewed = await this.leases.findOneAndUpdate({ _id: name, holder }, { $set: { expiresAt } }, { returnDocument: 'after' });
    if (renewed) return toLease(renewed);
    const taken = await this.leases.findOneAndUpdate(
      { _id: name, expiresAt: { $lte: now } },
      { $set: { holder, expiresAt }, $inc: { epoch: 1 } },
      { returnDocument: 'after' },
    );
    if (taken) return toLease(taken);
    try {
      const created: LeaseDocument = { _id: name, holder, epoch: 1, expiresAt };
      await this.leases.insertOne(created);
      return toLease(created);
    } catch (error) {
      if (error instanceof MongoServerError && Number(error.code) === DUPLICATE_KEY) return undefined;
      throw error;
    }
  }

  async release(name: string, holder: string, now: number): Promise<void> {
    await this.leases.updateOne({ _id: name, holder }, { $set: { holder: null, expiresAt: now } });
  }

  async list(): Promise<Lease[]> {
    return (await this.leases.find({}, { sort: { _id: 1 } }).toArray()).map(toLease);
  }

  async heartbeat(holder: string, ttlMs: number, now: number): Promise<void> {
    await this.instances.updateOne({ _id: holder }, { $set: { expiresAt: now + ttlMs } }, { upsert: true });
  }

  async liveInstances(now: number): Promise<LiveInstance[]> {
    const docs = await this.instances.find({ expiresAt: { $gt: now } }, { sort: { _id: 1 } }).toArray();
    return docs.map((doc) => ({ holder: doc._id, expiresAt: doc.expiresAt }));
  }

  async leave(holder: string): Promise<void> {
    await this.instances.deleteOne({ _id: holder });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
