// `npm run doubles` as a user runs it: a process that prints the two connection strings once both
// protocol test doubles listen, serves both real drivers, says on stderr that it keeps nothing,
// and exits 0 on SIGTERM.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { MongoClient } from 'mongodb';

const SCRIPT = resolve('dist/test/doubles/run-doubles.js');

interface Running {
  child: ChildProcess;
  lines: string[];
  stderr(): string;
  exited: Promise<number | null>;
}

async function startDoubles(env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, [SCRIPT], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = await new Promise<string[]>((found, failed) => {
    const timer = setTimeout(() => failed(new Error(`no two lines within 20 s:\n${stdout}\n${stderr}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const complete = stdout.split('\n').slice(0, -1);
      if (complete.length >= 2) {
        clearTimeout(timer);
        found(complete);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      failed(new Error(`exited with ${code} before printing both lines:\n${stdout}\n${stderr}`));
    });
  });
  return { child, lines, stderr: () => stderr, exited };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

beforeAll(() => {
  execFileSync(process.execPath, [resolve('node_modules/typescript/bin/tsc'), '-p', 'test/doubles/tsconfig.json'], { stdio: 'inherit' });
}, 120_000);

describe('npm run doubles', () => {
  it('prints EVENTSTORE_URL and MONGODB_URL once both listen, serves both drivers, and exits 0 on SIGTERM', async () => {
    const running = await startDoubles();
    try {
      expect(running.lines).toHaveLength(2);
      const [esdbLine, mongoLine] = running.lines as [string, string];
      expect(esdbLine).toMatch(/^EVENTSTORE_URL=esdb:\/\/127\.0\.0\.1:\d+\?tls=false$/);
      expect(mongoLine).toMatch(/^MONGODB_URL=mongodb:\/\/127\.0\.0\.1:\d+\/orderstream\?replicaSet=[\w-]+$/);
      expect(running.stderr()).toMatch(/TEST DOUBLES/);
      expect(running.stderr()).toMatch(/nothing on disk/);

      const esdb = EventStoreDBClient.connectionString(esdbLine.slice('EVENTSTORE_URL='.length));
      try {
        await esdb.appendToStream('tryout-1', jsonEvent({ type: 'TriedOut', data: { ok: true } }));
        const read = [];
        for await (const resolved of esdb.readStream('tryout-1')) read.push(resolved.event?.type);
        expect(read).toEqual(['TriedOut']);
      } finally {
        await esdb.dispose();
      }
      const mongo = new MongoClient(mongoLine.slice('MONGODB_URL='.length), { serverSelectionTimeoutMS: 5_000 });
      try {
        const session = mongo.startSession();
        await session.withTransaction(async (s) => {
          await mongo.db().collection<{ _id: string }>('tryout').insertOne({ _id: 'a' }, { session: s });
        });
        await session.endSession();
        expect(await mongo.db().collection('tryout').countDocuments({})).toBe(1);
      } finally {
        await mongo.close();
      }
    } finally {
      running.child.kill('SIGTERM');
    }
    expect(await running.exited).toBe(0);
    expect(running.stderr()).toMatch(/stopped/);
  }, 60_000);

  it('listens on ESDB_DOUBLE_PORT and MONGO_DOUBLE_PORT when they are set', async () => {
    const [esdbPort, mongoPort] = [await freePort(), await freePort()];
    const running = await startDoubles({ ESDB_DOUBLE_PORT: String(esdbPort), MONGO_DOUBLE_PORT: String(mongoPort) });
    running.child.kill('SIGTERM');
    expect(running.lines[0]).toBe(`EVENTSTORE_URL=esdb://127.0.0.1:${esdbPort}?tls=false`);
    expect(running.lines[1]).toMatch(new RegExp(`^MONGODB_URL=mongodb://127\\.0\\.0\\.1:${mongoPort}/`));
    expect(await running.exited).toBe(0);
  }, 60_000);

  it('refuses a port that is no port, naming the variable', async () => {
    const child = spawn(process.execPath, [SCRIPT], { env: { PATH: process.env.PATH ?? '', MONGO_DOUBLE_PORT: 'lots' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.once('exit', (exitCode) => done(exitCode)));
    expect(code).toBe(2);
    expect(stderr).toMatch(/MONGO_DOUBLE_PORT must be a TCP port/);
  }, 30_000);
});
