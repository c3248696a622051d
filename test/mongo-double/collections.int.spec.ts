// The MongoDB TEST DOUBLE's collections through the official driver: unique indexes answered as
// the server answers them (E11000, code 11000, keyPattern/keyValue), index conflicts, and
// cursors served in batches across getMore.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MongoClient, MongoServerError, type Db } from 'mongodb';
import { MongoDouble } from './mongo-double.js';

let double: MongoDouble;
let client: MongoClient;
let count = 0;
const freshDb = (): Db => client.db(`collections_${(count += 1)}`);

beforeAll(async () => {
  double = await MongoDouble.start();
  client = new MongoClient(double.connectionString('collections'), { serverSelectionTimeoutMS: 5_000 });
});
afterAll(async () => {
  await client.close();
  await double.stop();
});

describe('unique indexes on the MongoDB test double', () => {
  it('refuses a duplicate key with E11000 as the server words it', async () => {
    const people = freshDb().collection<{ _id: string; email: string }>('people');
    await people.createIndex({ email: 1 }, { unique: true, name: 'email_1' });
    await people.insertOne({ _id: 'p1', email: 'a@x.test' });
    const error = (await people.insertOne({ _id: 'p2', email: 'a@x.test' }).catch((e: unknown) => e)) as MongoServerError;
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error.code).toBe(11000);
    expect(error.message).toBe(`E11000 duplicate key error collection: ${people.dbName}.people index: email_1 dup key: { email: "a@x.test" }`);
    expect(error.keyPattern).toEqual({ email: 1 });
    expect(error.keyValue).toEqual({ email: 'a@x.test' });
    // The _id index, too; and an ordered insertMany stops at the first duplicate.
    await expect(people.insertOne({ _id: 'p1', email: 'b@x.test' })).rejects.toMatchObject({ code: 11000, keyPattern: { _id: 1 } });
    await expect(people.insertMany([{ _id: 'p3', email: 'c@x.test' }, { _id: 'p4', email: 'a@x.test' }, { _id: 'p5', email: 'e@x.test' }])).rejects.toMatchObject({
      code: 11000,
      insertedCount: 1,
    });
    expect((await people.find({}).sort({ _id: 1 }).toArray()).map((doc) => doc._id)).toEqual(['p1', 'p3']);
  });

  it('frees a key when its document changes or goes, and refuses an update onto a taken key', async () => {
    const people = freshDb().collection<{ _id: string; email: string }>('people');
    await people.createIndex({ email: 1 }, { unique: true, name: 'email_1' });
    await people.insertMany([{ _id: 'p1', email: 'a@x.test' }, { _id: 'p2', email: 'b@x.test' }]);
    await expect(people.updateOne({ _id: 'p2' }, { $set: { email: 'a@x.test' } })).rejects.toMatchObject({ code: 11000 });
    await people.updateOne({ _id: 'p1' }, { $set: { email: 'z@x.test' } });
    await people.updateOne({ _id: 'p2' }, { $set: { email: 'a@x.test' } });
    await people.deleteOne({ _id: 'p2' });
    await people.insertOne({ _id: 'p3', email: 'a@x.test' });
    expect(await people.countDocuments({})).toBe(2);
  });

  it('meets a racing insert of the same key in another transaction as WriteConflict, then as DuplicateKey once the first commits', async () => {
    const people = freshDb().collection<{ _id: string; email: string }>('people');
    await people.createIndex({ email: 1 }, { unique: true, name: 'email_1' });
    const first = client.startSession();
    const second = client.startSession();
    try {
      first.startTransaction();
      second.startTransaction();
      await people.insertOne({ _id: 'p1', email: 'same@x.test' }, { session: first });
      await expect(people.insertOne({ _id: 'p2', email: 'same@x.test' }, { session: second })).rejects.toMatchObject({ code: 112 });
      await second.abortTransaction();
      await first.commitTransaction();
      second.startTransaction();
      await expect(people.insertOne({ _id: 'p2', email: 'same@x.test' }, { session: second })).rejects.toMatchObject({ code: 11000 });
      await second.abortTransaction();
    } finally {
      await first.endSession();
      await second.endSession();
    }
    expect(await people.find({}).toArray()).toEqual([{ _id: 'p1', email: 'same@x.test' }]);
  });

  it('refuses to build a unique index over duplicates, and answers index conflicts with codes 85 and 86', async () => {
    const people = freshDb().collection<{ _id: string; email: string }>('people');
    await people.insertMany([{ _id: 'p1', email: 'a@x.test' }, { _id: 'p2', email: 'a@x.test' }]);
    await expect(people.createIndex({ email: 1 }, { unique: true, name: 'email_1' })).rejects.toMatchObject({ code: 11000 });
    await people.createIndex({ email: 1 }, { name: 'email_1' });
    await people.createIndex({ email: 1 }, { name: 'email_1' }); // the same again: nothing to do
    await expect(people.createIndex({ email: 1 }, { name: 'email_1', unique: true })).rejects.toMatchObject({ code: 85 });
    await expect(people.createIndex({ _id: 1, email: 1 }, { name: 'email_1' })).rejects.toMatchObject({ code: 86 });
    expect((await people.listIndexes().toArray()).map((index) => index.name)).toEqual(['_id_', 'email_1']);
    await people.dropIndex('email_1');
    expect((await people.listIndexes().toArray()).map((index) => index.name)).toEqual(['_id_']);
  });
});

describe('cursors on the MongoDB test double', () => {
  const seven = Array.from({ length: 7 }, (_, i) => ({ _id: `d${i}`, n: i }));
  const getMores = () => double.commandCounts.get('getMore') ?? 0;

  it('serves a find in batches of batchSize across getMore, in the sort order', async () => {
    const docs = freshDb().collection<{ _id: string; n: number }>('docs');
    await docs.insertMany(seven);
    const before = getMores();
    const found = await docs.find({ n: { $gte: 1 } }, { batchSize: 2 }).sort({ n: -1 }).toArray();
    expect(found.map((doc) => doc.n)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(getMores() - before).toBe(2); // 2 in the first batch, then 2 + 2
    expect(double.openCursors).toBe(0);
  });

  it('kills a cursor the client leaves early, and honours limit, skip and projection', async () => {
    const docs = freshDb().collection<{ _id: string; n: number }>('docs');
    await docs.insertMany(seven);
    const cursor = docs.find({}, { batchSize: 3 });
    expect((await cursor.next())?._id).toBe('d0');
    expect(double.openCursors).toBe(1);
    await cursor.close();
    expect(double.openCursors).toBe(0);
    const page = await docs.find({}, { projection: { _id: 0, n: 1 } }).sort({ n: 1 }).skip(2).limit(3).toArray();
    expect(page).toEqual([{ n: 2 }, { n: 3 }, { n: 4 }]);
  });

  it('serves aggregate and count through the same cursors', async () => {
    const docs = freshDb().collection<{ _id: string; n: number }>('docs');
    await docs.insertMany(seven);
    const odd = await docs.aggregate<{ _id: string }>([{ $match: { n: { $mod: [2, 1] } } }, { $sort: { n: 1 } }, { $project: { _id: 1 } }], { batchSize: 1 }).toArray();
    expect(odd).toEqual([{ _id: 'd1' }, { _id: 'd3' }, { _id: 'd5' }]);
    expect(await docs.countDocuments({ n: { $lt: 3 } })).toBe(3);
    expect(await docs.estimatedDocumentCount()).toBe(7);
  });
});

describe('several clients at once', () => {
  it('keeps every write from concurrent clients, each with its own connection pool', async () => {
    const db = freshDb();
    const clients = await Promise.all(Array.from({ length: 4 }, () => new MongoClient(double.connectionString(db.databaseName)).connect()));
    try {
      await Promise.all(
        clients.flatMap((other, c) => Array.from({ length: 25 }, (_, i) => other.db(db.databaseName).collection<{ _id: string }>('many').insertOne({ _id: `c${c}-${i}` }))),
      );
    } finally {
      await Promise.all(clients.map((other) => other.close()));
    }
    expect(await db.collection('many').countDocuments({})).toBe(100);
  });
});
