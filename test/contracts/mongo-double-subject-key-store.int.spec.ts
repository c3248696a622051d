// The MongoDB key store of personal data through the official driver on the wire-protocol TEST
// DOUBLE (test/mongo-double), in every CI run; mongo-subject-key-store.int.spec.ts runs the same
// contract on a real server when MONGODB_URL is set.
import { MongoSubjectKeyStore } from '../../src/personal-data/mongo/mongo-subject-key-store.js';
import { mongoDoubleForThisFile } from '../support/mongo-double-under-test.js';
import { subjectKeyStoreContract } from './subject-key-store.contract.js';

const server = mongoDoubleForThisFile();

subjectKeyStoreContract('MongoSubjectKeyStore (MongoDB wire-protocol test double)', async () => {
  const url = server.freshUrl('orderstream_keys');
  let current = MongoSubjectKeyStore.connect(url);
  return {
    store: current,
    async reopen() {
      await current.close();
      current = MongoSubjectKeyStore.connect(url);
      return current;
    },
    async cleanup() {
      await current.close();
    },
  };
});
