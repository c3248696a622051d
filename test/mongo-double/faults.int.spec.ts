// Faults the MongoDB TEST DOUBLE injects, and what the official driver makes of them: a
// NotWritablePrimary answer and a dropped connection are retried once (retryable writes and
// reads), a delay runs into the command's maxTimeMS, and a double that is down fails server
// selection until it is back.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { MongoClient, MongoServerSelectionError } from 'mongodb';
import { MongoDouble } from './mongo-double.js';

let double: MongoDouble;
let client: MongoClient;
let count = 0;
const fresh = () => client.db(`faults_${(count += 1)}`).collection<{ _id: string; n?: number }>('things');
const received = (name: string) => double.commandCounts.get(name) ?? 0;

beforeAll(async () => {
  double = await MongoDouble.start();
  client = new MongoClient(double.connectionString('faults'), { serverSelectionTimeoutMS: 2_000 });
});
beforeEach(() => double.clearFailPoint());
afterAll(async () => {
  await client.close();
  await double.stop();
});

describe('faults injected by the MongoDB test double', () => {
  it('answers NotWritablePrimary (10107) labelled RetryableWriteError; the driver retries the write once and it lands once', async () => {
    const things = fresh();
    await things.insertOne({ _id: 'warm-up' });
    double.failCommand({ failCommands: ['insert'], errorCode: 10107 });
    const before = received('insert');
    await things.insertOne({ _id: 'a' });
    expect(received('insert') - before).toBe(2);
    expect(await things.countDocuments({ _id: 'a' })).toBe(1);
  });

  it('cuts the connection on a write; the driver retries it on a new connection', async () => {
    const things = fresh();
    await things.insertOne({ _id: 'warm-up' });
    double.failCommand({ failCommands: ['update'], closeConnection: true });
    const before = received('update');
    await things.updateOne({ _id: 'a' }, { $inc: { n: 1 } }, { upsert: true });
    expect(received('update') - before).toBe(2);
    expect(await things.findOne({ _id: 'a' })).toEqual({ _id: 'a', n: 1 });
  });

  it('cuts the connection twice: the driver gives up after its one retry', async () => {
    const things = fresh();
    await things.insertOne({ _id: 'warm-up' });
    double.failCommand({ failCommands: ['insert'], closeConnection: true }, 2);
    await expect(things.insertOne({ _id: 'a' })).rejects.toThrow();
    expect(await things.countDocuments({ _id: 'a' })).toBe(0);
  });

  it('labels a retryable error inside a transaction TransientTransactionError, so withTransaction runs it again', async () => {
    const things = fresh();
    await things.insertOne({ _id: 'warm-up' });
    double.failCommand({ failCommands: ['insert'], errorCode: 10107 });
    let attempts = 0;
    const session = client.startSession();
    try {
      await session.withTransaction(async (s) => {
        attempts += 1;
        await things.insertOne({ _id: 'a' }, { session: s });
      });
    } finally {
      await session.endSession();
    }
    expect(attempts).toBe(2);
    expect(await things.countDocuments({ _id: 'a' })).toBe(1);
  });

  it('takes fail points through configureFailPoint, as a server with test commands does', async () => {
    const things = fresh();
    await client.db('admin').command({ configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['find'], errorCode: 2, errorLabels: [] } });
    await expect(things.findOne({})).rejects.toMatchObject({ code: 2 });
    expect(await things.findOne({})).toBeNull();
  });

  it('fails only the commands of the connections named by appName, as the server filters them', async () => {
    const named = new MongoClient(double.connectionString('faults'), { serverSelectionTimeoutMS: 2_000, appName: 'orderstream-key-store' });
    const things = (of: MongoClient) => of.db('faults_named').collection<{ _id: string }>('things');
    try {
      await things(named).insertOne({ _id: 'a' });
      await client.db('admin').command({ configureFailPoint: 'failCommand', mode: 'alwaysOn', data: { failCommands: ['find'], errorCode: 2, errorLabels: [], appName: 'orderstream-key-store' } });
      await expect(things(named).findOne({})).rejects.toMatchObject({ code: 2 });
      expect(await things(client).findOne({})).toEqual({ _id: 'a' });
      double.clearFailPoint();
      expect(await things(named).findOne({})).toEqual({ _id: 'a' });
    } finally {
      await named.close();
    }
  });

  it('delays a command (blockConnection), interrupted as MaxTimeMSExpired (50) when it runs past the command’s maxTimeMS', async () => {
    const things = fresh();
    await things.insertOne({ _id: 'a' });
    double.failCommand({ failCommands: ['find'], blockConnection: true, blockTimeMS: 2_000 });
    await expect(things.findOne({}, { maxTimeMS: 50 })).rejects.toMatchObject({ code: 50, codeName: 'MaxTimeMSExpired' });
    double.failCommand({ failCommands: ['find'], blockConnection: true, blockTimeMS: 50 });
    expect(await things.findOne({})).toEqual({ _id: 'a' });
  });

  it('is unreachable while set so, and serves again once back', async () => {
    const things = fresh();
    await things.insertOne({ _id: 'a' });
    const impatient = new MongoClient(double.connectionString('faults'), { serverSelectionTimeoutMS: 300 });
    try {
      await impatient.connect();
      double.setReachable(false);
      await expect(impatient.db(things.dbName).collection('things').findOne({})).rejects.toBeInstanceOf(MongoServerSelectionError);
      double.setReachable(true);
      expect(await impatient.db(things.dbName).collection('things').findOne({})).toEqual({ _id: 'a' });
    } finally {
      double.setReachable(true);
      await impatient.close();
    }
  });
});
