// POST /v1/admin/backup: a consistent copy of the embedded event log (the source of truth), made
// while the service runs and answered as the file itself. The service holds events.db locked
// (one writer), so no other process can read it; the copy is taken on the writer's own connection
// with SQLite's online backup API. `npm run cli -- backup --to <dir> --url ... --token ...` saves it.
import { Controller, Inject, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Permission } from '../access/access.decorators.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ProblemException } from '../http/problem.js';
import { BACKUP_ANSWER, sendFileCopy } from './send-file-copy.js';
import { EVENT_STORE_SELECTION, type StoreSelection } from '../eventstore/event-store-selection.js';
import type { EventStore } from '../eventstore/event-store.port.js';
import { SqliteEventStore } from '../eventstore/sqlite/sqlite-event-store.js';
import { Operation } from '../http/openapi/operation.decorator.js';

export const BACKUP_CONTENT_TYPE = 'application/vnd.sqlite3';
/** Every event up to this position is in the copy (empty when the log was empty). */
export const BACKUP_POSITION_HEADER = 'x-backup-covers-position';

@ApiTags('operations')
@Controller('v1/admin')
export class EventLogBackupController {
  constructor(
    @Inject(EVENT_STORE_SELECTION) private readonly selection: StoreSelection<EventStore>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Operation({
    summary: 'A consistent copy of the event log (SQLite online backup) while writes go on',
    status: 201,
  answer: BACKUP_ANSWER,
    problems: { 409: ['backup_not_supported'], 503: ['storage_full', 'storage_io_error'] },
  })
  @Post('backup')
  @Permission('operations.backup')
  async backup(@Res() reply: FastifyReply): Promise<void> {
    const store = this.selection.store;
    if (!(store instanceof SqliteEventStore)) {
      throw new ProblemException(409, 'backup_not_supported', 'The event log is on EventStoreDB: back it up with its own tools');
    }
    await sendFileCopy(reply, {
      dir: this.config.dataDir,
      filename: 'events.db',
      copy: (destination) => store.backup(destination),
      headers: (copy) => ({ [BACKUP_POSITION_HEADER]: copy.coversPosition?.toString() ?? '' }),
    });
  }
}
