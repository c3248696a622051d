// The embedded credential store: one SQLite file in DATA_DIR (credentials.db) beside the read
// models' file. Unlike readmodels.db it is a source of truth (a lost hash is an account that
// cannot sign in), so it is written like the event log: WAL, synchronous=FULL, acknowledged
// means durable. Writes asked for in the same turn of the event loop share one transaction and so
// one fsync (every order holds and later forgets its payment token: one synchronous fsync each
// had the whole service wait on the disk twice per order); each is answered once it is durable.
import type Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { openSyncedFile } from '../../sqlite/open-synced-file.js';
import { StorageFaultError, StorageMonitor, type StorageFault } from '../../sqlite/storage-monitor.js';
import { assertKey, type CredentialStore } from '../credential-store.port.js';

export const CREDENTIALS_DB_FILE = 'credentials.db';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS credentials (
    subject TEXT NOT NULL, credential_id TEXT NOT NULL, secret TEXT NOT NULL, stored_at TEXT NOT NULL,
    PRIMARY KEY (subject, credential_id)) WITHOUT ROWID;
`;

interface QueuedWrite {
  run(): number;
  done(changes: number): void;
  failed(error: unknown): void;
}

export class SqliteCredentialStore implements CredentialStore {
  private readonly db: Database.Database;
  private readonly statements;
  /** Writes waiting for the next group commit (at most one turn of the event loop). */
  private queued: QueuedWrite[] = [];
  private readonly commitTogether: (writes: readonly QueuedWrite[]) => number[];
  /** Whether the disk refuses this file's writes: a refused write answers 503, GET /health says degraded. */
  readonly storage: StorageMonitor;

  static inDataDir(dataDir: string): SqliteCredentialStore {
    return new SqliteCredentialStore(join(dataDir, CREDENTIALS_DB_FILE));
  }

  constructor(path: string) {
    this.db = openSyncedFile(path, SCHEMA);
    this.storage = new StorageMonitor('credential store', this.db);
    this.statements = {
      put: this.db.prepare('INSERT INTO credentials (subject, credential_id, secret, stored_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      get: this.db.prepare('SELECT secret FROM credentials WHERE subject = ? AND credential_id = ?').pluck(),
      retainOnly: this.db.prepare('DELETE FROM credentials WHERE subject = ? AND credential_id <> ?'),
      sweep: this.db.prepare('DELETE FROM credentials WHERE subject = ? AND stored_at < ? AND credential_id <> ?'),
      subjects: this.db.prepare('SELECT DISTINCT subject FROM credentials WHERE subject > ? ORDER BY subject LIMIT +?').pluck(),
    };
    this.commitTogether = this.db.transaction((writes: readonly QueuedWrite[]) => writes.map((write) => write.run()));
  }

  async put(subject: string, credentialId: string, secret: string, storedAt: string): Promise<void> {
    assertKey(subject, credentialId);
    await this.write(() => this.statements.put.run(subject, credentialId, secret, storedAt).changes);
  }

  async get(subject: string, credentialId: string): Promise<string | undefined> {
    const secret: unknown = this.statements.get.get(subject, credentialId);
    return typeof secret === 'string' ? secret : undefined;
  }

  retainOnly(subject: string, keep: string): Promise<number> {
    return this.write(() => this.statements.retainOnly.run(subject, keep).changes);
  }

  sweep(subject: string, before: string, keep = ''): Promise<number> {
    return this.write(() => this.statements.sweep.run(subject, before, keep).changes);
  }

  async subjects(after: string | undefined, limit: number): Promise<string[]> {
    return this.statements.subjects.all(after ?? '', limit) as string[];
  }

  storageFault(): StorageFault | undefined {
    return this.storage.fault;
  }

  /** A consistent copy into `destination` (a new file), through SQLite's online backup API; writes go on meanwhile. */
  async backup(destination: string): Promise<{ bytes: number }> {
    await this.db.backup(destination);
    return { bytes: statSync(destination).size };
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.commitQueued(); // what was asked for before the close is written, not dropped
    this.db.close();
  }

  /** Queues a write for the group commit at the end of this turn; answers when it is durable. */
  private write(run: () => number): Promise<number> {
    return new Promise((done, failed) => {
      if (this.queued.length === 0) setImmediate(() => this.commitQueued());
      this.queued.push({ run, done, failed });
    });
  }

  private commitQueued(): void {
    const writes = this.queued;
    this.queued = [];
    if (writes.length === 0) return;
    if (!this.db.open) {
      for (const write of writes) write.failed(new Error('The credential store is closed'));
      return;
    }
    try {
      const changes = this.storage.write(() => this.commitTogether(writes));
      writes.forEach((write, index) => write.done(changes[index]!));
    } catch (error) {
      // The transaction rolled back: nothing of the group is written. A refusing disk refuses each
      // of them; any other error is one write's own, so each is tried alone to answer it by itself.
      if (writes.length === 1 || error instanceof StorageFaultError) {
        for (const write of writes) write.failed(error);
        return;
      }
      for (const write of writes) {
        try {
          write.done(this.storage.write(() => write.run()));
        } catch (own) {
          write.failed(own);
        }
      }
    }
  }
}
