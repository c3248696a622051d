// POST /v1/admin/backup/credentials: a consistent copy of the embedded credential store
// (credentials.db, a source of truth like the event log: password hashes are not in the log),
// answered as the file itself. `npm run cli -- backup` takes it right after the event log: every
// event names a credential stored before the event was appended, so the later copy holds it.
import { Controller, Inject, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Permission } from '../access/access.decorators.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ProblemException } from '../http/problem.js';
import { BACKUP_ANSWER, sendFileCopy } from './send-file-copy.js';
import { CREDENTIAL_STORE, type CredentialStore } from '../credentialstore/credential-store.port.js';
import { CREDENTIALS_DB_FILE, SqliteCredentialStore } from '../credentialstore/sqlite/sqlite-credential-store.js';
import { Operation } from '../http/openapi/operation.decorator.js';

@ApiTags('operations')
@Controller('v1/admin/backup/credentials')
export class CredentialsBackupController {
  constructor(
    @Inject(CREDENTIAL_STORE) private readonly store: CredentialStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Operation({
    summary: 'A consistent copy of the credential store (password hashes)',
    status: 201,
  answer: BACKUP_ANSWER,
    problems: { 409: ['backup_not_supported'], 503: ['storage_full', 'storage_io_error'] },
  })
  @Post()
  @Permission('operations.backup')
  async backup(@Res() reply: FastifyReply): Promise<void> {
    const store = this.store;
    if (!(store instanceof SqliteCredentialStore)) {
      throw new ProblemException(409, 'backup_not_supported', 'The credentials are in MongoDB: back them up with its own tools');
    }
    await sendFileCopy(reply, { dir: this.config.dataDir, filename: CREDENTIALS_DB_FILE, copy: (destination) => store.backup(destination) });
  }
}
