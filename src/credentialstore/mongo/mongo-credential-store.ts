// The credential store port on MongoDB (the engine of the read models in production), through the
// official driver: one collection, one document per (subject, credential id), majority writes.
// First-wins: an insert of an existing _id is a duplicate key (E11000), which is the idempotent
// "already stored" answer, never an overwrite. No server to answer is MongoUnavailableError
// (HTTP 503), as for the read models.
import { MongoServerError, type Collection, type MongoClient } from 'mongodb';
import { connectMongo, DEFAULT_SERVER_SELECTION_TIMEOUT_MS } from '../../mongo/mongo-connection.js';
import { answering } from '../../readstore/mongo/mongo-read-store.js';
import { assertKey, type CredentialStore } from '../credential-store.port.js';

export const CREDENTIALS_COLLECTION = '_credentials';
const DUPLICATE_KEY = 11000;

export interface CredentialDocument {
  _id: string;
  subject: string;
  credentialId: string;
  secret: string;
  storedAt: string;
}

/** The document id of (subject, credentialId): unambiguous, as neither may hold a newline. */
export const credentialDocumentId = (subject: string, credentialId: string) => `${subject}\n${credentialId}`;

export class MongoCredentialStore implements CredentialStore {
  private readonly collection: Collection<CredentialDocument>;
  private indexed: Promise<unknown> | undefined;

  constructor(
    private readonly client: MongoClient,
    database?: string,
  ) {
    this.collection = client.db(database).collection<CredentialDocument>(CREDENTIALS_COLLECTION);
  }

  static connect(url: string, serverSelectionTimeoutMs = DEFAULT_SERVER_SELECTION_TIMEOUT_MS): MongoCredentialStore {
    const { client, database } = connectMongo(url, { appName: 'orderstream-credential-store', majority: true, serverSelectionTimeoutMs });
    return new MongoCredentialStore(client, database);
  }

  async put(subject: string, credentialId: string, secret: string, storedAt: string): Promise<void> {
    assertKey(subject, credentialId);
    await answering(async () => {
      await this.ensureIndex();
      try {
        await this.collection.insertOne({ _id: credentialDocumentId(subject, credentialId), subject, credentialId, secret, storedAt });
      } catch (error) {
        if (!(error instanceof MongoServerError && Number(error.code) === DUPLICATE_KEY)) throw error;
      }
    });
  }

  async get(subject: string, credentialId: string): Promise<string | undefined> {
    const found = await answering(() => this.collection.findOne({ _id: credentialDocumentId(subject, credentialId) }, { projection: { secret: 1 } }));
    return found?.secret;
  }

  async retainOnly(subject: string, keep: string): Promise<number> {
    return (await answering(() => this.collection.deleteMany({ subject, credentialId: { $ne: keep } }))).deletedCount;
  }

  async sweep(subject: string, before: string, keep = ''): Promise<number> {
    return (await answering(() => this.collection.deleteMany({ subject, storedAt: { $lt: before }, credentialId: { $ne: keep } }))).deletedCount;
  }

  async subjects(after: string | undefined, limit: number): Promise<string[]> {
    const rows = await answering(() =>
      this.collection
        .aggregate<{ _id: string }>([{ $match: { subject: { $gt: after ?? '' } } }, { $group: { _id: '$subject' } }, { $sort: { _id: 1 } }, { $limit: limit }])
        .toArray(),
    );
    return rows.map((row) => row._id);
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private ensureIndex(): Promise<unknown> {
    this.indexed ??= this.collection.createIndex({ subject: 1, credentialId: 1 }, { name: 'subject_1_credentialId_1' }).catch((error: unknown) => {
      this.indexed = undefined;
      throw error;
    });
    return this.indexed;
  }
}
