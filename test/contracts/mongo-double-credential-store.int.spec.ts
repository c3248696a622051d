// The MongoDB credential store through the official driver on the wire-protocol TEST DOUBLE
// (test/mongo-double), in every CI run; mongo-credential-store.int.spec.ts runs the same contract
// on a real server when MONGODB_URL is set.
import { describe, expect, it } from '@jest/globals';
import { MongoCredentialStore } from '../../src/credentialstore/mongo/mongo-credential-store.js';
import { StoreUnavailableError } from '../../src/eventstore/event-store.errors.js';
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

describe('MongoCredentialStore specifics (MongoDB wire-protocol test double)', () => {
  it('answers StoreUnavailableError (HTTP 503), not a driver error, while MongoDB cannot be reached', async () => {
    const store = MongoCredentialStore.connect(server.freshUrl('orderstream_credentials'), 300);
    try {
      await store.put('u1', 'c1', '$scrypt$one', '2026-12-01T00:00:00.000Z');
      server.double.setReachable(false);
      await expect(store.get('u1', 'c1')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.put('u1', 'c2', '$scrypt$two', '2026-12-01T00:00:00.000Z')).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      server.double.setReachable(true);
      await store.close();
    }
  });
});
