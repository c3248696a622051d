import { describe, expect, it } from '@jest/globals';
import { MongoClient } from 'mongodb';
import { credentialDocumentId, MongoCredentialStore } from './mongo-credential-store.js';

describe('MongoCredentialStore without a server', () => {
  it('joins subject and credential id into one unambiguous _id', () => {
    expect(credentialDocumentId('u1', 'c1')).toBe('u1\nc1');
    expect(credentialDocumentId('u1', 'c1')).not.toBe(credentialDocumentId('u1\nc', '1'));
  });

  it('refuses a bad key before it talks to the server', async () => {
    const store = new MongoCredentialStore(new MongoClient('mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=50'));
    await expect(store.put('u\n1', 'c', 's', '2026-12-01T00:00:00.000Z')).rejects.toThrow(RangeError);
    await expect(store.put('u', '', 's', '2026-12-01T00:00:00.000Z')).rejects.toThrow(RangeError);
    await store.close();
  });
});
