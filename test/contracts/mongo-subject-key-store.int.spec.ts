// The MongoDB key store against a real server; MONGODB_URL unset, it reports itself skipped with
// the reason (test/support/mongo-under-test.ts).
import { randomUUID } from 'node:crypto';
import { MongoSubjectKeyStore } from '../../src/personal-data/mongo/mongo-subject-key-store.js';
import { databaseUrl, dropDatabase, skippedWithoutMongo } from '../support/mongo-under-test.js';
import { subjectKeyStoreContract } from './subject-key-store.contract.js';

const url = process.env.MONGODB_URL;

if (url) {
  subjectKeyStoreContract('MongoSubjectKeyStore (real server)', async () => {
    const name = `orderstream_keys_${randomUUID().slice(0, 8)}`;
    let current = MongoSubjectKeyStore.connect(databaseUrl(url, name));
    return {
      store: current,
      async reopen() {
        await current.close();
        current = MongoSubjectKeyStore.connect(databaseUrl(url, name));
        return current;
      },
      async cleanup() {
        await current.close();
        await dropDatabase(url, name);
      },
    };
  });
} else {
  skippedWithoutMongo('SubjectKeyStore contract: MongoSubjectKeyStore (real server)');
}
