// The key store on MongoDB (the engine of the read models in production), through the official
// driver: one document per subject, majority writes. Creating is an upsert that only sets the key
// on insert (first-wins); destroying unsets it and records when, as one update.
import { Binary, MongoServerError, type Collection, type MongoClient } from 'mongodb';
import { connectMongo } from '../../mongo/mongo-connection.js';
import { assertSubject, type SubjectKey, type SubjectKeyStore } from '../subject-key-store.port.js';

export const SUBJECT_KEYS_COLLECTION = '_subject_keys';
const DUPLICATE_KEY = 11000;

interface SubjectKeyDocument {
  _id: string;
  key?: Binary;
  createdAt: string;
  erasedAt?: string;
}

function keyOf(document: SubjectKeyDocument): SubjectKey {
  return document.key ? { state: 'active', key: Buffer.from(document.key.buffer) } : { state: 'erased', erasedAt: document.erasedAt ?? '' };
}

/** How the key store's connections name themselves to the server. */
export const MONGO_KEY_STORE_APP_NAME = 'orderstream-key-store';

export class MongoSubjectKeyStore implements SubjectKeyStore {
  private readonly collection: Collection<SubjectKeyDocument>;

  constructor(
    private readonly client: MongoClient,
    database?: string,
  ) {
    this.collection = client.db(database).collection<SubjectKeyDocument>(SUBJECT_KEYS_COLLECTION);
  }

  static connect(url: string): MongoSubjectKeyStore {
    const { client, database } = connectMongo(url, { appName: MONGO_KEY_STORE_APP_NAME, majority: true });
    return new MongoSubjectKeyStore(client, database);
  }

  async keyFor(subject: string, createdAt: string, newKey: Buffer): Promise<SubjectKey> {
    assertSubject(subject);
    try {
      const document = await this.collection.findOneAndUpdate(
        { _id: subject },
        { $setOnInsert: { key: new Binary(newKey), createdAt } },
        { upsert: true, returnDocument: 'after' },
      );
      return keyOf(document!);
    } catch (error) {
      // Two first upserts raced: the other inserted; its key is the one.
      if (!(error instanceof MongoServerError && Number(error.code) === DUPLICATE_KEY)) throw error;
      return (await this.find(subject))!;
    }
  }

  async find(subject: string): Promise<SubjectKey | undefined> {
    const document = await this.collection.findOne({ _id: subject });
    return document ? keyOf(document) : undefined;
  }

  async page(after: string | undefined, limit: number): Promise<Array<{ subject: string; key: SubjectKey }>> {
    const documents = await this.collection.find(after === undefined ? {} : { _id: { $gt: after } }).sort({ _id: 1 }).limit(limit).toArray();
    return documents.map((document) => ({ subject: document._id, key: keyOf(document) }));
  }

  async replace(subject: string, expected: Buffer, next: Buffer): Promise<boolean> {
    const result = await this.collection.updateOne({ _id: subject, key: new Binary(expected) }, { $set: { key: new Binary(next) } });
    return result.modifiedCount === 1;
  }

  async destroy(subject: string, erasedAt: string): Promise<void> {
    assertSubject(subject);
    const existing = await this.find(subject);
    await this.collection.updateOne(
      { _id: subject },
      { $unset: { key: '' }, $set: { erasedAt: existing?.state === 'erased' ? existing.erasedAt : erasedAt }, $setOnInsert: { createdAt: erasedAt } },
      { upsert: true },
    );
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
