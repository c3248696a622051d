// `npm run doubles`: the EventStoreDB and MongoDB protocol TEST DOUBLES (test/esdb-double,
// test/mongo-double) as standalone servers on 127.0.0.1, to try the production topology
// (the service on EVENTSTORE_URL + MONGODB_URL, several instances) without Docker. They keep
// everything in memory and nothing on disk: stopping them loses it all. Once both listen, stdout
// holds exactly two lines, EVENTSTORE_URL=... and MONGODB_URL=...; they run until SIGTERM/SIGINT
// and then exit 0. Ports: ESDB_DOUBLE_PORT / MONGO_DOUBLE_PORT (default any free port).
import { EsdbDouble } from '../esdb-double/esdb-double.js';
import { MongoDouble } from '../mongo-double/mongo-double.js';

const DATABASE = 'orderstream';

function portFrom(variable: string): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return 0;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write(`${variable} must be a TCP port (0-65535), got ${JSON.stringify(raw)}\n`);
    process.exit(2);
  }
  return port;
}

async function main(): Promise<void> {
  const esdbPort = portFrom('ESDB_DOUBLE_PORT');
  const mongoPort = portFrom('MONGO_DOUBLE_PORT');
  let esdb: EsdbDouble | undefined;
  let mongo: MongoDouble | undefined;
  try {
    [esdb, mongo] = await Promise.all([EsdbDouble.start({ port: esdbPort }), MongoDouble.start({ port: mongoPort })]);
  } catch (error) {
    process.stderr.write(`The test doubles could not start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const stop = async () => {
    await mongo.stop();
    esdb.stop();
    process.stderr.write('Test doubles stopped; everything they held is gone.\n');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  process.stderr.write(
    'These are TEST DOUBLES of EventStoreDB and MongoDB (protocol stand-ins for trying the service without Docker), not the databases:\n' +
      'they keep everything in memory and nothing on disk, so all data is gone when they stop. Never use them in production.\n',
  );
  process.stdout.write(`EVENTSTORE_URL=${esdb.connectionString}\nMONGODB_URL=${mongo.connectionString(DATABASE)}\n`);
}

void main();
