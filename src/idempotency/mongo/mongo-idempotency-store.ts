// Idempotency keys on MongoDB, beside the read models, so a key repeated on another instance gets
// the same answer. One document per (scope, key): the insert is the atomic "first one wins" (a
// duplicate _id means the key was used before); the answer is kept as JSON text (answers may hold
// keys MongoDB would not store); a TTL index forgets keys after IDEMPOTENCY_KEY_TTL_HOURS. A key
// forgotten is no loss of safety: the key also fixes the command id, so the log answers a late
// repeat as before (see the interceptor); only the 409 for reuse with another body is gone.
import { MongoServerError, type Collection, type MongoClient } from 'mongodb';
import { connectMongo } from '../../mongo/mongo-connection.js';
import type { IdempotencyStore, Reservation } from '../idempotency-store.port.js';

export const IDEMPOTENCY_COLLECTION = '_idempotency_keys';
const DUPLICATE_KEY = 11000;

interface KeyDocument {
  _id: string;
  fingerprint: string;
  answer: string | null;
  createdAt: Date;
}

/** Unambiguous: neither a scope nor a key (visible ASCII) holds a newline. */
const documentId = (scope: string, key: string): string => `${scope}\n${key}`;

export class MongoIdempotencyStore implements IdempotencyStore {
  private readonly keys: Collection<KeyDocument>;
  private indexed: Promise<unknown> | undefined;

  constructor(
    private readonly client: MongoClient,
    private readonly ttlSeconds: number,
    database?: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.keys = client.db(database).collection<KeyDocument>(IDEMPOTENCY_COLLECTION);
  }

  static connect(url: string, ttlSeconds: number): MongoIdempotencyStore {
    const { client, database } = connectMongo(url, { appName: 'orderstream-idempotency-store', majority: true });
    return new MongoIdempotencyStore(client, ttlSeconds, database);
  }

  async reserve(scope: string, key: string, fingerprint: string): Promise<Reservation> {
    await this.ensureIndex();
    const _id = documentId(scope, key);
    for (;;) {
      try {
        await this.keys.insertOne({ _id, fingerprint, answer: null, createdAt: this.now() });
        return { kind: 'new' };
      } catch (error) {
        if (!(error instanceof MongoServerError && Number(error.code) === DUPLICATE_KEY)) throw error;
      }
      const found = await this.keys.findOne({ _id });
      if (!found) continue; // released (or expired) meanwhile: try again
      if (found.fingerprint !== fingerprint) return { kind: 'mismatch' };
      return found.answer === null ? { kind: 'repeat' } : { kind: 'repeat', answer: JSON.parse(found.answer) };
    }
  }

  async complete(scope: string, key: string, fingerprint: string, answer: unknown): Promise<void> {
    await this.keys.updateOne({ _id: documentId(scope, key), fingerprint, answer: null }, { $set: { answer: JSON.stringify(answer) } });
  }

  async release(scope: string, key: string, fingerprint: string): Promise<void> {
    await this.keys.deleteOne({ _id: documentId(scope, key), fingerprint, answer: null });
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private ensureIndex(): Promise<unknown> {
    this.indexed ??= this.createTtlIndex().catch((error: unknown) => {
      this.indexed = undefined;
      throw error;
    });
    return this.indexed;
  }

  private async createTtlIndex(): Promise<void> {
    const spec = { name: 'createdAt_ttl', expireAfterSeconds: this.ttlSeconds };
    try {
      await this.keys.createIndex({ createdAt: 1 }, spec);
    } catch (error) {
      // IndexOptionsConflict: the TTL setting changed since the index was made.
      if (!(error instanceof MongoServerError && Number(error.code) === 85)) throw error;
      await this.keys.dropIndex(spec.name);
      await this.keys.createIndex({ createdAt: 1 }, spec);
    }
  }
}
