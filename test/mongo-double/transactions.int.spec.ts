// The MongoDB TEST DOUBLE's transactions, through the official driver: snapshot isolation,
// atomic commits, write conflicts labelled TransientTransactionError, and the driver's
// withTransaction retrying them for real.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { MongoClient, MongoServerError, type Collection } from 'mongodb';
import { MongoDouble } from './mongo-double.js';

interface Account {
  _id: string;
  balance: number;
}

let double: MongoDouble;
let client: MongoClient;
let database = 0;
let accounts: Collection<Account>;

beforeAll(async () => {
  double = await MongoDouble.start();
  client = new MongoClient(double.connectionString('transactions'), { serverSelectionTimeoutMS: 5_000 });
});
afterAll(async () => {
  await client.close();
  await double.stop();
});
// A database of its own per test.
const fresh = () => {
  database += 1;
  accounts = client.db(`transactions_${database}`).collection<Account>('accounts');
  return accounts;
};
afterEach(() => expect(double.openTransactions).toBe(0));

describe('transactions on the MongoDB test double', () => {
  it('keeps a transaction’s writes invisible to others until commit, then shows all of them at once', async () => {
    fresh();
    await accounts.insertOne({ _id: 'a', balance: 10 });
    const session = client.startSession();
    try {
      session.startTransaction();
      await accounts.updateOne({ _id: 'a' }, { $inc: { balance: -5 } }, { session });
      await accounts.insertOne({ _id: 'b', balance: 5 }, { session });
      expect(await accounts.find({}, { session }).sort({ _id: 1 }).toArray()).toEqual([
        { _id: 'a', balance: 5 },
        { _id: 'b', balance: 5 },
      ]);
      expect(await accounts.find({}).toArray()).toEqual([{ _id: 'a', balance: 10 }]);
      await session.commitTransaction();
      expect(await accounts.find({}).sort({ _id: 1 }).toArray()).toEqual([
        { _id: 'a', balance: 5 },
        { _id: 'b', balance: 5 },
      ]);
    } finally {
      await session.endSession();
    }
  });

  it('reads from the snapshot it started with, even after another commit', async () => {
    fresh();
    await accounts.insertOne({ _id: 'a', balance: 1 });
    const session = client.startSession();
    try {
      session.startTransaction();
      expect(await accounts.findOne({ _id: 'a' }, { session })).toEqual({ _id: 'a', balance: 1 });
      await accounts.updateOne({ _id: 'a' }, { $set: { balance: 2 } });
      expect(await accounts.findOne({ _id: 'a' }, { session })).toEqual({ _id: 'a', balance: 1 });
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
  });

  it('discards everything on abort', async () => {
    fresh();
    const session = client.startSession();
    try {
      session.startTransaction();
      await accounts.insertMany([{ _id: 'a', balance: 1 }, { _id: 'b', balance: 2 }], { session });
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
    expect(await accounts.countDocuments({})).toBe(0);
  });

  it('answers a second writer of the same document WriteConflict (112) labelled TransientTransactionError, and aborts it', async () => {
    fresh();
    await accounts.insertOne({ _id: 'a', balance: 0 });
    const first = client.startSession();
    const second = client.startSession();
    try {
      first.startTransaction();
      second.startTransaction();
      await accounts.updateOne({ _id: 'a' }, { $inc: { balance: 1 } }, { session: first });
      const conflict = await accounts.updateOne({ _id: 'a' }, { $inc: { balance: 10 } }, { session: second }).catch((error: unknown) => error);
      expect(conflict).toBeInstanceOf(MongoServerError);
      expect(conflict).toMatchObject({ code: 112, codeName: 'WriteConflict' });
      expect((conflict as MongoServerError).hasErrorLabel('TransientTransactionError')).toBe(true);
      // The server aborted the loser: its next statement is refused, the winner commits.
      await expect(accounts.findOne({ _id: 'a' }, { session: second })).rejects.toMatchObject({ code: 251, codeName: 'NoSuchTransaction' });
      await first.commitTransaction();
      await second.abortTransaction();
      expect(await accounts.findOne({ _id: 'a' })).toEqual({ _id: 'a', balance: 1 });
    } finally {
      await first.endSession();
      await second.endSession();
    }
  });

  it('conflicts with a write committed after the transaction’s snapshot (first committer wins)', async () => {
    fresh();
    await accounts.insertOne({ _id: 'a', balance: 0 });
    const session = client.startSession();
    try {
      session.startTransaction();
      await accounts.findOne({ _id: 'a' }, { session }); // the snapshot is taken here
      await accounts.updateOne({ _id: 'a' }, { $set: { balance: 7 } }); // committed by someone else
      await expect(accounts.updateOne({ _id: 'a' }, { $set: { balance: 1 } }, { session })).rejects.toMatchObject({ code: 112 });
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
    expect(await accounts.findOne({ _id: 'a' })).toEqual({ _id: 'a', balance: 7 });
  });

  it('makes a write outside any transaction wait for the transaction holding its document', async () => {
    fresh();
    await accounts.insertOne({ _id: 'a', balance: 0 });
    const session = client.startSession();
    try {
      session.startTransaction();
      await accounts.updateOne({ _id: 'a' }, { $inc: { balance: 1 } }, { session });
      const outside = accounts.updateOne({ _id: 'a' }, { $inc: { balance: 100 } });
      let outsideDone = false;
      void outside.then(() => (outsideDone = true));
      await accounts.findOne({ _id: 'a' }); // a round trip later, it is still waiting
      expect(outsideDone).toBe(false);
      await session.commitTransaction();
      await outside;
    } finally {
      await session.endSession();
    }
    expect(await accounts.findOne({ _id: 'a' })).toEqual({ _id: 'a', balance: 101 });
  });

  it('lets withTransaction retry a conflicting transaction until it commits', async () => {
    fresh();
    await accounts.insertOne({ _id: 'a', balance: 0 });
    const blocker = client.startSession();
    const retrier = client.startSession();
    let attempts = 0;
    try {
      blocker.startTransaction();
      await accounts.updateOne({ _id: 'a' }, { $inc: { balance: 1 } }, { session: blocker });
      await retrier.withTransaction(async (session) => {
        attempts += 1;
        // The first attempt meets the blocker's open write; the blocker commits meanwhile.
        if (attempts === 1) setImmediate(() => void blocker.commitTransaction());
        await accounts.updateOne({ _id: 'a' }, { $inc: { balance: 10 } }, { session });
      });
    } finally {
      await blocker.endSession();
      await retrier.endSession();
    }
    expect(attempts).toBeGreaterThan(1);
    expect(await accounts.findOne({ _id: 'a' })).toEqual({ _id: 'a', balance: 11 });
  });

  it('loses no update: concurrent transfers in withTransaction from several clients keep every balance exact (property)', async () => {
    const clients = await Promise.all([0, 1, 2].map(() => new MongoClient(double.connectionString('transactions')).connect()));
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ from: fc.integer({ min: 0, max: 3 }), to: fc.integer({ min: 0, max: 3 }), amount: fc.integer({ min: 1, max: 9 }) }), { minLength: 1, maxLength: 12 }),
          async (transfers) => {
            const collection = fresh();
            await collection.insertMany([0, 1, 2, 3].map((i) => ({ _id: `acc${i}`, balance: 100 })));
            const dbName = collection.dbName;
            await Promise.all(
              transfers.map(async ({ from, to, amount }, index) => {
                const mine = clients[index % clients.length]!;
                const target = mine.db(dbName).collection<Account>('accounts');
                const session = mine.startSession();
                try {
                  await session.withTransaction(async (s) => {
                    // Read-modify-write: without conflict detection two of these lose an update.
                    const source = (await target.findOne({ _id: `acc${from}` }, { session: s }))!;
                    await target.updateOne({ _id: `acc${from}` }, { $set: { balance: source.balance - amount } }, { session: s });
                    const sink = (await target.findOne({ _id: `acc${to}` }, { session: s }))!;
                    await target.updateOne({ _id: `acc${to}` }, { $set: { balance: sink.balance + amount } }, { session: s });
                  });
                } finally {
                  await session.endSession();
                }
              }),
            );
            const expected = [100, 100, 100, 100];
            for (const { from, to, amount } of transfers) {
              expected[from]! -= amount;
              expected[to]! += amount;
            }
            const stored = await collection.find({}).sort({ _id: 1 }).toArray();
            expect(stored.map((doc) => doc.balance)).toEqual(expected);
          },
        ),
        { numRuns: 15 },
      );
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  }, 60_000);
});
