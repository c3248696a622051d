// POST /v1/admin/backup/keys: a consistent copy of the embedded key store of personal data
// (keys.db: without it, every sealed personal value in the log is unreadable), answered as the file
// itself. `npm run cli -- backup` takes it after the event log: a subject's key is made before the
// first event sealed with it is appended, so the later copy holds every key the log's copy needs.
import { Controller, Inject, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Permission } from '../access/access.decorators.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ProblemException } from '../http/problem.js';
import { sendFileCopy } from './send-file-copy.js';
import { SUBJECT_KEY_STORE, type SubjectKeyStore } from '../personal-data/subject-key-store.port.js';
import { KEYS_DB_FILE, SqliteSubjectKeyStore } from '../personal-data/sqlite/sqlite-subject-key-store.js';

@ApiTags('operations')
@Controller('v1/admin/backup/keys')
export class KeysBackupController {
  constructor(
    @Inject(SUBJECT_KEY_STORE) private readonly store: SubjectKeyStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @Permission('operations.backup')
  async backup(@Res() reply: FastifyReply): Promise<void> {
    const store = this.store;
    if (!(store instanceof SqliteSubjectKeyStore)) {
      throw new ProblemException(409, 'backup_not_supported', 'The keys are in MongoDB: back them up with its own tools');
    }
    await sendFileCopy(reply, { dir: this.config.dataDir, filename: KEYS_DB_FILE, copy: (destination) => store.backup(destination) });
  }
}
