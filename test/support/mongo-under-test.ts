// For the suites that need a real MongoDB (MONGODB_URL): a fresh database per test on the same
// server, dropped afterwards, and the skip that says why when no server is configured.
import { describe, it } from '@jest/globals';
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

/**
 * MONGODB_URL unset: the suite reports itself skipped with the reason, as a skipped test whose
 * title says why (not describe.skip, which hides it, and not a passing test that asserts nothing).
 */
export function skippedWithoutMongo(suite: string): void {
  describe(suite, () => {
    const reason = "SKIPPED: MONGODB_URL is not set (docker compose up -d mongodb, then MONGODB_URL='mongodb://localhost:27017/?directConnection=true')";
    // Written straight to stderr as well: Jest drops the console output of a suite that only skips,
    // and shows skipped titles only with --verbose.
    process.stderr.write(`${reason}\n`);
    it.skip(reason, () => {});
  });
}
