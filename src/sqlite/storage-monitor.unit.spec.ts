// A spell of refused writes is logged once when it starts (error) and once when it ends (info),
// so an operator sees the store degrade and recover without a line per failed request. A failed
// fsync that SQLite reports (SQLITE_IOERR_FSYNC: thrown here as SQLite throws it, a test double of
// the driver's error) ends every later write of that file, logged once, until a restart.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Logger, type LoggerService } from '@nestjs/common';
import Database from 'better-sqlite3';
import { StorageFaultError, StorageMonitor } from './storage-monitor.js';

const diskFull = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });

describe('StorageMonitor logging', () => {
  const lines: Array<{ level: string; message: string }> = [];
  const capture = (level: string) => (message: unknown) => void lines.push({ level, message: String(message) });
  const captured: LoggerService = { log: capture('log'), error: capture('error'), warn: capture('warn'), debug: capture('debug'), verbose: capture('verbose') };
  let db: Database.Database;

  beforeEach(() => {
    lines.length = 0;
    Logger.overrideLogger(captured);
    db = new Database(':memory:');
  });
  afterEach(() => {
    db.close();
    Logger.overrideLogger(false);
  });

  it('logs the start of a spell once, as an error, and its end once, with the count of refused writes', () => {
    const monitor = new StorageMonitor('event store', db, () => new Date('2026-12-03T10:00:00Z'));
    expect(() => monitor.write(() => 1)).not.toThrow();
    expect(lines).toEqual([]);

    for (let i = 0; i < 3; i++) {
      expect(() =>
        monitor.write(() => {
          throw diskFull;
        }),
      ).toThrow(StorageFaultError);
    }
    expect(lines).toEqual([{ level: 'error', message: expect.stringContaining('event store degraded') }]);
    expect(lines[0]!.message).toContain('SQLITE_FULL');

    monitor.write(() => 2);
    monitor.write(() => 3);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toEqual({ level: 'log', message: 'event store recovered: writes succeed again after 3 refused since 2026-12-03T10:00:00.000Z' });
    expect(monitor.fault).toBeUndefined();
  });
});

const fsyncFailed = (code: string) => Object.assign(new Error('disk I/O error'), { code });

describe('StorageMonitor after SQLite reports a failed fsync', () => {
  const lines: Array<{ level: string; message: string }> = [];
  const capture = (level: string) => (message: unknown) => void lines.push({ level, message: String(message) });
  const captured: LoggerService = { log: capture('log'), error: capture('error'), warn: capture('warn'), debug: capture('debug'), verbose: capture('verbose') };
  beforeEach(() => Logger.overrideLogger(captured));
  afterEach(() => Logger.overrideLogger(false));

  type Step = 'ok' | 'full' | 'SQLITE_IOERR_FSYNC' | 'SQLITE_IOERR_DIR_FSYNC';

  it('refuses every later write without running it, keeps every write acknowledged before, and logs the stop once', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom<Step>('ok', 'ok', 'full', 'SQLITE_IOERR_FSYNC', 'SQLITE_IOERR_DIR_FSYNC'), { maxLength: 30 }), (steps) => {
        lines.length = 0;
        const db = new Database(':memory:');
        try {
          db.exec('CREATE TABLE rows (n INTEGER PRIMARY KEY)');
          const insert = db.prepare('INSERT INTO rows (n) VALUES (?)');
          const monitor = new StorageMonitor('key store', db);
          const acknowledged: number[] = [];
          let stoppedAt: number | undefined;
          steps.forEach((step, n) => {
            let ran = false;
            const attempt = () =>
              monitor.write(() => {
                ran = true;
                if (step === 'full') throw diskFull;
                if (step !== 'ok') throw fsyncFailed(step);
                return insert.run(n);
              });
            if (stoppedAt !== undefined) {
              expect(attempt).toThrow(expect.objectContaining({ code: 'storage_fsync_failed' }));
              expect(ran).toBe(false);
              return;
            }
            if (step === 'ok') {
              attempt();
              acknowledged.push(n);
            } else if (step === 'full') {
              expect(attempt).toThrow(expect.objectContaining({ code: 'storage_full' }));
            } else {
              expect(attempt).toThrow(expect.objectContaining({ code: 'storage_fsync_failed' }));
              stoppedAt = n;
            }
          });
          const rows = db.prepare('SELECT n FROM rows ORDER BY n').pluck().all();
          expect(rows).toEqual(acknowledged);
          if (stoppedAt === undefined) {
            expect(monitor.stopped).toBeUndefined();
            return;
          }
          expect(monitor.fault).toMatchObject({ code: 'storage_fsync_failed', sqliteCode: steps[stoppedAt], restartRequired: true, failedWrites: expect.any(Number) });
          expect(lines.filter((line) => line.message.includes('key store stopped'))).toHaveLength(1);
        } finally {
          db.close();
        }
      }),
    );
  });
});
