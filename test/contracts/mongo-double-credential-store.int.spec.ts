// The MongoDB credential store through the official driver on the wire-protocol TEST DOUBLE
// (test/mongo-double), in every CI run; mongo-credential-store.int.spec.ts runs the same contract
// on a real server when MONGODB_URL is set.
import { MongoCredentialStore } from '../../src/credentialstore/mongo/mongo-credential-store.js';
import { mongoDoubleForThisFile } from '../support/mongo-double-under-test.js';
import { credentialStoreContract } from './credential-store.contract.js';

const server = mongoDoubleForThisFile();

credentialStoreContract('MongoCredentialStore (MongoDB wire-protocol test double)', async () => {
  const url = server.freshUrl('orderstream_credentials');
  let current = MongoCredentialStore.connect(url);
  return {
    store: current,
    async reopen() {
      await current.close();
      current = MongoCredentialStore.connect(url);
      return current;
    },
    async cleanup() {
      await current.close();
    },
  };
});
