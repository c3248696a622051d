// Several service processes (the built dist/src/main.js, each with its own PORT, INSTANCE_ID and
// DATA_DIR) on one EventStoreDB gRPC TEST DOUBLE and one MongoDB wire-protocol TEST DOUBLE: the
// instances can be killed and paused while the stores live on. The doubles run in the test's own
// process (their transaction lifetime set as the compose file sets the server's), or, for
// measurements, as `npm run doubles` in a process of their own (not sharing the load generator's
// event loop).
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MongoClient } from 'mongodb';
import { EsdbDouble } from '../esdb-double/esdb-double.js';
import { MongoDouble } from '../mongo-double/mongo-double.js';
import { TEST_ADMIN, newDataDir, startApp, type AppUnderTest } from '../support/app-under-test.js';

export interface LeaseRow {
  name: string;
  holder: string | null;
  instance: string | null;
  epoch: number;
  heldHere: boolean;
}

export interface Instance {
  id: string;
  app: AppUnderTest;
  state: 'running' | 'killed' | 'paused';
}

export interface ClusterUnderTest {
  eventStoreUrl: string;
  mongoUrl: string;
  instances: Instance[];
  running(): Instance[];
  start(id: string): Promise<Instance>;
  /** The leases as an instance's GET /health tells its admin. */
  leases(instance: Instance): Promise<LeaseRow[]>;
  kill(instance: Instance): Promise<void>;
  pause(instance: Instance): void;
  resume(instance: Instance): void;
  /** Every checkpoint as stored (`_checkpoints`), read straight from the MongoDB double. */
  checkpoints(): Promise<Map<string, bigint>>;
  stop(): Promise<void>;
}

interface Doubles {
  eventStoreUrl: string;
  mongoUrl: string;
  stop(): Promise<void>;
}

async function doublesInProcess(): Promise<Doubles> {
  // As docker-compose.cluster.yml sets the server's transactionLifetimeLimitSeconds: a commit
  // left open by a killed holder holds its documents that long.
  const mongo = await MongoDouble.start({ transactionLifetimeMs: 15_000 });
  const esdb = await EsdbDouble.start();
  return {
    eventStoreUrl: esdb.connectionString,
    mongoUrl: mongo.connectionString('orderstream'),
    async stop() {
      await mongo.stop();
      esdb.stop();
    },
  };
}

/** `npm run doubles` (built by its own tsconfig first), until SIGTERM. */
async function doublesProcess(): Promise<Doubles> {
  execFileSync(process.execPath, [resolve('node_modules/typescript/bin/tsc'), '-p', 'test/doubles/tsconfig.json'], { stdio: 'inherit' });
  const child = spawn(process.execPath, [resolve('dist/test/doubles/run-doubles.js')], { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((done) => child.once('exit', done));
  let out = '';
  const urls = await new Promise<Record<string, string>>((found, failed) => {
    const timer = setTimeout(() => failed(new Error(`npm run doubles did not answer within 30 s: ${out}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const lines = Object.fromEntries(out.split('\n').filter((line) => line.includes('=')).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
      if (lines.EVENTSTORE_URL && lines.MONGODB_URL) {
        clearTimeout(timer);
        found(lines);
      }
    });
  });
  return {
    eventStoreUrl: urls.EVENTSTORE_URL!,
    mongoUrl: urls.MONGODB_URL!,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function startCluster(ids: readonly string[], env: Record<string, string>, doublesIn: 'this process' | 'their own process' = 'this process'): Promise<ClusterUnderTest> {
  const doubles = doublesIn === 'this process' ? await doublesInProcess() : await doublesProcess();
  const { eventStoreUrl, mongoUrl } = doubles;
  const observer = new MongoClient(mongoUrl);
  const instances: Instance[] = [];
  const start = async (id: string): Promise<Instance> => {
    const app = await startApp({ ...env, EVENTSTORE_URL: eventStoreUrl, MONGODB_URL: mongoUrl, INSTANCE_ID: id }, newDataDir());
    const instance: Instance = { id, app, state: 'running' };
    instances.push(instance);
    return instance;
  };
  await Promise.all(ids.map(start));
  // The first admin is registered at start, but a start does not wait more than a few seconds for
  // it (a busy host hashes slowly): wait until it can sign in, bounded.
  for (const until = Date.now() + 60_000; ; await new Promise((done) => setTimeout(done, 250))) {
    const answer = await instances[0]!.app.request('POST', '/v1/auth/token', { body: TEST_ADMIN });
    if (answer.status === 200) break;
    if (Date.now() > until) throw new Error(`the first admin cannot sign in: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  return {
    eventStoreUrl,
    mongoUrl,
    instances,
    running: () => instances.filter((instance) => instance.state === 'running'),
    start,
    async leases(instance) {
      const health = await instance.app.as('admin').request('GET', '/health');
      const leases = (health.body?.details ?? health.body?.info)?.leases;
      if (!leases?.leases) throw new Error(`no lease table from ${instance.id}: ${health.status} ${JSON.stringify(health.body).slice(0, 300)}`);
      return leases.leases as LeaseRow[];
    },
    async kill(instance) {
      instance.state = 'killed';
      await instance.app.kill();
    },
    pause(instance) {
      instance.state = 'paused';
      instance.app.process.kill('SIGSTOP');
    },
    resume(instance) {
      instance.app.process.kill('SIGCONT');
      instance.state = 'running';
    },
    async checkpoints() {
      const docs = await observer.db('orderstream').collection<{ _id: string; position: string }>('_checkpoints').find({}).toArray();
      return new Map(docs.map((doc) => [doc._id, BigInt(doc.position)]));
    },
    async stop() {
      for (const instance of instances) if (instance.state === 'paused') instance.app.process.kill('SIGCONT');
      // What each instance said, for a failure's post-mortem.
      for (const instance of instances) writeFileSync(join(tmpdir(), `orderstream-multi-${instance.id}.log`), instance.app.output());
      await Promise.all(instances.map((instance) => instance.app.destroy()));
      await observer.close();
      await doubles.stop();
    },
  };
}
