// For the suites that run the MongoDB adapters on the wire-protocol TEST DOUBLE
// (test/mongo-double): one double per spec file, a fresh database per test on it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from '@jest/globals';
import { MongoDouble } from '../mongo-double/mongo-double.js';

export interface DoubleUnderTest {
  /** The running double (set once beforeAll has run). */
  readonly double: MongoDouble;
  /** A connection string to a database of its own on the double. */
  freshUrl(prefix: string): string;
}

/** Starts a double before the file's tests and stops it after them. */
export function mongoDoubleForThisFile(): DoubleUnderTest {
  let double: MongoDouble | undefined;
  beforeAll(async () => {
    double = await MongoDouble.start();
  });
  afterAll(async () => {
    await double?.stop();
  });
  return {
    get double() {
      if (!double) throw new Error('the MongoDB double is not started yet (use it inside a test or hook)');
      return double;
    },
    freshUrl(prefix) {
      return this.double.connectionString(`${prefix}_${randomUUID().slice(0, 8)}`);
    },
  };
}
