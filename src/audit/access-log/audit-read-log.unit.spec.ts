// A read whose record cannot be written is not answered; an export's stream handed back is ended,
// so the export turn it holds (LogWalkTurns) is given back instead of being held forever.
import { describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import { lastValueFrom, of } from 'rxjs';
import { LogWalkTurns } from '../../http/log-walk-turns.js';
import { AuditReadLog } from './audit-read-log.js';

const read = { method: 'GET', route: '/v1/audit/export/events', params: {}, query: {}, actor: { userId: 'a', roles: ['auditor'] }, requestId: 'r-1', correlationId: 'c-1' };

describe('the log of audit reads', () => {
  it('refuses a read it cannot record and ends the stream the handler handed back, giving back its turn', async () => {
    const failing = { append: () => Promise.reject(new Error('disk full')) };
    const turns = new LogWalkTurns();
    const release = turns.take('export');
    const lines = Readable.from((async function* () { yield 'line\n'; })());
    lines.once('close', release);
    const log = new AuditReadLog(failing, { now: () => new Date('2026-12-01T00:00:00Z') });

    await expect(lastValueFrom(log.recordAfter(read, of(lines)))).rejects.toThrow('disk full');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.destroyed).toBe(true);
    expect(() => turns.take('export')).not.toThrow();
    expect(() => turns.take('export')).toThrow(expect.objectContaining({ code: 'log_walk_busy' }));
  });
});
