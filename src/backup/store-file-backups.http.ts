// Copies of the embedded stores kept beside the log, each answered as the file itself:
// POST /v1/admin/backup/credentials (credentials.db: password hashes are not in the log) and
// POST /v1/admin/backup/keys (keys.db: the keys that open the sealed personal values in the log).
// `npm run cli -- backup` takes both right after the event log: every event names a credential
// stored, and a key made, before the event was appended, so the later copies hold what the log's
// copy needs.
import { Controller, Inject, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Permission } from '../access/access.decorators.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ProblemException } from '../http/problem.js';
import { BACKUP_ANSWER, sendFileCopy } from './send-file-copy.js';
import { Operation } from '../http/openapi/operation.decorator.js';
import { CREDENTIAL_STORE, type CredentialStore } from '../credentialstore/credential-store.port.js';
import { CREDENTIALS_DB_FILE, SqliteCredentialStore } from '../credentialstore/sqlite/sqlite-credential-store.js';
import { SUBJECT_KEY_STORE, type SubjectKeyStore } from '../personal-data/subject-key-store.port.js';
import { KEYS_DB_FILE, SqliteSubjectKeyStore } from '../personal-data/sqlite/sqlite-subject-key-store.js';

@ApiTags('operations')
@Controller('v1/admin/backup')
export class StoreFileBackupsController {
  constructor(
    @Inject(CREDENTIAL_STORE) private readonly credentials: CredentialStore,
    @Inject(SUBJECT_KEY_STORE) private readonly keys: SubjectKeyStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Operation({
    summary: 'A consistent copy of the credential store (password hashes)',
    status: 201,
    answer: BACKUP_ANSWER,
    problems: { 409: ['backup_not_supported'], 503: ['storage_full', 'storage_io_error'] },
  })
  @Post('credentials')
  @Permission('operations.backup')
  async backupCredentials(@Res() reply: FastifyReply): Promise<void> {
    const store = this.credentials;
    if (!(store instanceof SqliteCredentialStore)) throw notEmbedded('credentials');
    await sendFileCopy(reply, { dir: this.config.dataDir, filename: CREDENTIALS_DB_FILE, copy: (destination) => store.backup(destination) });
  }

  @Operation({
    summary: 'A consistent copy of the key store of personal data (one key per data subject)',
    status: 201,
    answer: BACKUP_ANSWER,
    problems: { 409: ['backup_not_supported'], 503: ['storage_full', 'storage_io_error'] },
  })
  @Post('keys')
  @Permission('operations.backup')
  async backupKeys(@Res() reply: FastifyReply): Promise<void> {
    const store = this.keys;
    if (!(store instanceof SqliteSubjectKeyStore)) throw notEmbedded('keys');
    await sendFileCopy(reply, { dir: this.config.dataDir, filename: KEYS_DB_FILE, copy: (destination) => store.backup(destination) });
  }
}

const notEmbedded = (what: string) => new ProblemException(409, 'backup_not_supported', `The ${what} are in MongoDB: back them up with its own tools`);
