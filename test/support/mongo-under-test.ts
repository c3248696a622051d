// For the suites that need a real MongoDB (MONGODB_URL): a fresh database per test on the same
// server, dropped afterwards, and the skip that says why when no server is configured.
import { reportedSkip } from './reported-skip.js';
import { MongoClient } from 'mongodb';

/** The same server, another database. */
export function databaseUrl(base: string, name: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(base);
  if (!match) throw new Error(`MONGODB_URL is not a mongodb:// connection string: ${base}`);
  return `${match[1]}/${name}${match[2] ?? ''}`;
}

export async function dropDatabase(url: string, name: string): Promise<void> {
  const admin = new MongoClient(url);
  try {
    await admin.db(name).dropDatabase();
  } finally {
    await admin.close();
  }
}

/** MONGODB_URL unset: the suite reports itself skipped with the reason (reported-skip.ts). */
export function skippedWithoutMongo(suite: string): void {
  reportedSkip(suite, "MONGODB_URL is not set (docker compose up -d mongodb, then MONGODB_URL='mongodb://localhost:27017/?directConnection=true')");
}
