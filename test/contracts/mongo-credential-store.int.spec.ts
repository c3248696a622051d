// The MongoDB credential store against a real server; MONGODB_URL unset, it reports itself skipped
// with the reason (test/support/mongo-under-test.ts).
import { randomUUID } from 'node:crypto';
import { MongoCredentialStore } from '../../src/credentialstore/mongo/mongo-credential-store.js';
import { databaseUrl, dropDatabase, skippedWithoutMongo } from '../support/mongo-under-test.js';
import { credentialStoreContract } from './credential-store.contract.js';

const url = process.env.MONGODB_URL;

if (url) {
  credentialStoreContract('MongoCredentialStore (real server)', async () => {
    const name = `orderstream_credentials_${randomUUID().slice(0, 8)}`;
    let current = MongoCredentialStore.connect(databaseUrl(url, name));
    return {
      store: current,
      async reopen() {
        await current.close();
        current = MongoCredentialStore.connect(databaseUrl(url, name));
        return current;
      },
      async cleanup() {
        await current.close();
        await dropDatabase(url, name);
      },
    };
  });
} else {
  skippedWithoutMongo('CredentialStore contract: MongoCredentialStore (real server)');
}
