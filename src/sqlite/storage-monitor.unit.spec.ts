// A spell of refused writes is logged once when it starts (error) and once when it ends (info),
// so an operator sees the store degrade and recover without a line per failed request.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
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
