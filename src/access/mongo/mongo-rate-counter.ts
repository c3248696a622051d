// A rate counter shared by every instance, on MongoDB beside the read models: requests are counted
// in documents per (counter, key, slot of a twelfth of the window), incremented atomically; a take
// adds one to the current slot, sums the slots of the window, and takes its one back if that is
// over the limit (so refused requests do not count, as in the in-memory limiter). Racing takes may
// both be refused near the limit: it errs on the strict side. A TTL index forgets old slots.
import type { Collection, MongoClient } from 'mongodb';
import { connectMongo } from '../../mongo/mongo-connection.js';
import type { RateDecision } from '../rate-limiter.js';
import type { RateCounter, RateCounters } from '../rate-counters.js';

export const RATE_COUNTS_COLLECTION = '_rate_counts';
const SLOTS_PER_WINDOW = 12;

interface SlotDocument {
  _id: string;
  counter: string;
  key: string;
  slot: number;
  count: number;
  expiresAt: Date;
}

export class MongoRateCounters {
  private readonly slots: Collection<SlotDocument>;
  private indexed: Promise<unknown> | undefined;

  constructor(
    private readonly client: MongoClient,
    database: string | undefined,
    private readonly now: () => number,
  ) {
    this.slots = client.db(database).collection<SlotDocument>(RATE_COUNTS_COLLECTION);
  }

  static connect(url: string, now: () => number): MongoRateCounters {
    const { client, database } = connectMongo(url, { appName: 'orderstream-rate-counters', majority: true });
    return new MongoRateCounters(client, database, now);
  }

  readonly counters: RateCounters = (name, limit, windowMs) => new SharedCounter(this, name, limit, windowMs);

  async take(counter: string, key: string, limit: number, windowMs: number): Promise<RateDecision> {
    await this.ensureIndexes();
    const now = this.now();
    const slotMs = Math.max(1, Math.ceil(windowMs / SLOTS_PER_WINDOW));
    const slot = Math.floor(now / slotMs);
    // One slot more than the window, as the in-memory limiter keeps: the limit holds for every span.
    const oldest = slot - SLOTS_PER_WINDOW;
    const _id = `${counter}\n${key}\n${slot}`;
    await this.slots.updateOne(
      { _id },
      { $inc: { count: 1 }, $setOnInsert: { counter, key, slot, expiresAt: new Date((slot + SLOTS_PER_WINDOW + 2) * slotMs) } },
      { upsert: true },
    );
    const window = await this.slots.find({ counter, key, slot: { $gte: oldest } }, { projection: { slot: 1, count: 1 }, sort: { slot: 1 } }).toArray();
    const total = window.reduce((sum, each) => sum + each.count, 0);
    if (total <= limit) return { allowed: true, retryAfterSeconds: 0 };
    await this.slots.updateOne({ _id }, { $inc: { count: -1 } });
    // Until enough of the oldest counted requests leave the window for one more to fit.
    let excess = total - limit;
    for (const each of window) {
      excess -= each.count;
      if (excess <= 0) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(((each.slot + SLOTS_PER_WINDOW + 1) * slotMs - now) / 1000)) };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(windowMs / 1000)) };
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private ensureIndexes(): Promise<unknown> {
    this.indexed ??= Promise.all([
      this.slots.createIndex({ counter: 1, key: 1, slot: 1 }, { name: 'counter_1_key_1_slot_1' }),
      this.slots.createIndex({ expiresAt: 1 }, { name: 'expiresAt_ttl', expireAfterSeconds: 0 }),
    ]).catch((error: unknown) => {
      this.indexed = undefined;
      throw error;
    });
    return this.indexed;
  }
}

class SharedCounter implements RateCounter {
  constructor(
    private readonly counters: MongoRateCounters,
    private readonly name: string,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  take(key: string): Promise<RateDecision> {
    return this.counters.take(this.name, key, this.limit, this.windowMs);
  }
}
