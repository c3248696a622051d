// Online backups of the embedded stores' sources of truth, over HTTP for admins: the event log,
// the credential store (password hashes are not in the log) and the key store of personal data
// (the keys that open the sealed values in the log). `npm run cli -- backup` takes all three, the
// log first. The read models and idempotency keys are derived: a restore rebuilds them.
import { Module } from '@nestjs/common';
import { EventLogBackupController } from './event-log-backup.http.js';
import { StoreFileBackupsController } from './store-file-backups.http.js';

@Module({ controllers: [EventLogBackupController, StoreFileBackupsController] })
export class BackupModule {}
