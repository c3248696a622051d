// Answers a copy of a file made for this request (a backup), and removes the copy at once: it is
// opened first and then unlinked, so it is read through the open descriptor and gone from the
// directory before the answer starts (no copy is left behind, even if the client goes away). The copy is made in `dir`, on the same disk as the original, so a full disk
// shows as 503 storage_full here too.
import { createReadStream, openSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyReply } from 'fastify';

export async function sendFileCopy<Copy extends { bytes: number }>(
  reply: FastifyReply,
  { dir, filename, copy, headers }: { dir: string; filename: string; copy: (destination: string) => Promise<Copy>; headers?: (copied: Copy) => Record<string, string> },
): Promise<void> {
  const file = join(dir, `.backup-${randomUUID()}.db`);
  let copied: Copy;
  try {
    copied = await copy(file);
  } catch (error) {
    rmSync(file, { force: true });
    throw error;
  }
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } finally {
    rmSync(file, { force: true });
  }
  const body = createReadStream('', { fd });
  reply
    .header('content-type', 'application/vnd.sqlite3')
    .header('content-length', String(copied.bytes))
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('cache-control', 'no-store');
  for (const [name, value] of Object.entries(headers?.(copied) ?? {})) reply.header(name, value);
  reply.send(body);
}

/** How the OpenAPI document describes the answer of a backup route. */
export const BACKUP_ANSWER = {
  schema: { type: 'string', format: 'binary' },
  mediaType: 'application/vnd.sqlite3',
  description: 'The SQLite file (Content-Disposition: attachment)',
} as const;
