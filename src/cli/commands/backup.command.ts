// npm run cli -- backup --to <dir>: consistent copies of the sources of truth of the embedded
// stores, the event log (<dir>/events.db), the credential store (<dir>/credentials.db: password
// hashes are not in the log) and the key store of personal data (<dir>/keys.db: the keys that open
// the sealed personal values; a subject's key is made before their first sealed event is appended,
// so the later copy holds every key the log's copy needs). With --url and --token (an admin's) they are taken by the running
// service (POST /v1/admin/backup and /v1/admin/backup/credentials, SQLite's online backup API)
// while it goes on serving; without, from the files of a stopped service. The log is copied first:
// every event names a credential stored before the event was appended, so the later copy of the
// credentials holds every one the log's copy names. The log's copy is checked (quick_check) before
// it gets its name. Restore: stop the service, put both copies in an empty DATA_DIR, start it: the
// read models and idempotency keys are rebuilt from the log.
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import { Command, CommandRunner, Option } from 'nest-commander';
import { BACKUP_POSITION_HEADER } from '../../backup/event-log-backup.http.js';
import { checkSourceOfTruthFile } from '../../sqlite/check-source-file.js';
import { EVENTS_DB_FILE } from '../../eventstore/sqlite/sqlite-event-store.js';
import { CREDENTIALS_DB_FILE, SqliteCredentialStore } from '../../credentialstore/sqlite/sqlite-credential-store.js';
import { KEYS_DB_FILE, SqliteSubjectKeyStore } from '../../personal-data/sqlite/sqlite-subject-key-store.js';
import { CliError } from '../cli-error.js';
import { httpRequest, openEventStoreFile, resolveTarget, type TargetOptions } from '../target.js';

interface BackupOptions extends TargetOptions {
  to?: string;
}

@Command({ name: 'backup', description: 'Copy the event log, the credentials and the keys of personal data consistently to --to <dir> (events.db, credentials.db, keys.db), from the running service (--url, --token of an admin) or a stopped one' })
export class BackupCommand extends CommandRunner {
  async run(_: string[], options: BackupOptions): Promise<void> {
    if (!options.to) throw new CliError('backup needs --to <dir>: where to write events.db');
    const dir = resolve(options.to);
    const destination = join(dir, EVENTS_DB_FILE);
    if (existsSync(destination)) throw new CliError(`${destination} exists: back up into a new directory`);
    mkdirSync(dir, { recursive: true });
    const partial = `${destination}.partial`;
    const target = resolveTarget(options);
    let covers: string;
    try {
      if (target.kind === 'http') {
        const response = await httpRequest(target, 'POST', '/v1/admin/backup');
        covers = response.headers.get(BACKUP_POSITION_HEADER) ?? '';
        if (!response.body) throw new CliError('The service answered the backup without a body');
        await pipeline(Readable.fromWeb(response.body as ReadableStream<Uint8Array>), createWriteStream(partial, { flags: 'wx' }));
      } else {
        const store = openEventStoreFile(target.dataDir);
        try {
          covers = (await store.backup(partial)).coversPosition?.toString() ?? '';
        } finally {
          await store.close();
        }
      }
      checkSourceOfTruthFile(partial, 'the copy of the event log');
      renameSync(partial, destination);
    } catch (error) {
      rmSync(partial, { force: true });
      throw error;
    }
    console.log(`${destination}: every event up to position ${covers || '- (the log was empty)'}`);
    console.log(await this.backUpStore(target, join(dir, CREDENTIALS_DB_FILE), { what: 'credentials', route: '/v1/admin/backup/credentials', held: 'every stored credential', open: SqliteCredentialStore.inDataDir }));
    console.log(await this.backUpStore(target, join(dir, KEYS_DB_FILE), { what: 'keys', route: '/v1/admin/backup/keys', held: 'every key of personal data', open: SqliteSubjectKeyStore.inDataDir }));
  }

  /** A store taken after the log (credentials, keys): over HTTP, or from the files. */
  private async backUpStore(
    target: ReturnType<typeof resolveTarget>,
    destination: string,
    store: { what: string; route: string; held: string; open: (dataDir: string) => { backup(to: string): Promise<unknown>; close(): Promise<void> } },
  ): Promise<string> {
    const partial = `${destination}.partial`;
    try {
      if (target.kind === 'http') {
        const response = await httpRequest(target, 'POST', store.route, undefined, [409]);
        if (response.status === 409) return `${store.what}: kept in MongoDB: back them up with its own tools`;
        if (!response.body) throw new CliError(`The service answered the ${store.what} backup without a body`);
        await pipeline(Readable.fromWeb(response.body as ReadableStream<Uint8Array>), createWriteStream(partial, { flags: 'wx' }));
      } else {
        if (!existsSync(join(target.dataDir, basename(destination)))) return `${store.what}: none in ${target.dataDir}`;
        const opened = store.open(target.dataDir);
        try {
          await opened.backup(partial);
        } finally {
          await opened.close();
        }
      }
      renameSync(partial, destination);
    } catch (error) {
      rmSync(partial, { force: true });
      throw error;
    }
    return `${destination}: ${store.held}`;
  }

  @Option({ flags: '--to <dir>', description: 'Directory to write events.db into (created; must not hold one)' })
  to(value: string) { return value; }

  @Option({ flags: '--url <url>', description: 'The running service (or ORDERSTREAM_URL), with its token in ORDERSTREAM_TOKEN; without it, the files in --data-dir' })
  url(value: string) { return value; }

  @Option({ flags: '--token <token>', description: 'Access token of an admin; better in ORDERSTREAM_TOKEN (a flag shows in shell history and the process list)' })
  token(value: string) { return value; }

  @Option({ flags: '--data-dir <dir>', description: 'Data directory of a stopped service (default $DATA_DIR or ./data)' })
  dataDir(value: string) { return value; }
}
