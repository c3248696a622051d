// Online backups of the embedded stores' sources of truth, over HTTP for admins: the event log and
// the credential store (password hashes are not in the log). `npm run cli -- backup` takes both,
// the log first. The read models and idempotency keys are derived: a restore rebuilds them.
import { Module } from '@nestjs/common';
import { CredentialsBackupController } from './credentials-backup.http.js';
import { EventLogBackupController } from './event-log-backup.http.js';

@Module({ controllers: [EventLogBackupController, CredentialsBackupController] })
export class BackupModule {}
