// MongoDB connection plumbing shared by the production stores' adapters (read models, credentials,
// keys, leases, idempotency answers, rate counters, snapshots): the client options every connection
// starts from, and the database a connection string names, kept once here.
import { MongoClient, type MongoClientOptions } from 'mongodb';

/**
 * How long an operation waits for a reachable primary before it fails (the driver's own default is
 * 30 s): an outage then answers 503 within a request's patience instead of hanging it.
 */
export const DEFAULT_SERVER_SELECTION_TIMEOUT_MS = 10_000;

export interface MongoConnectionOptions {
  /**
   * Which store the connection serves (`orderstream-key-store`...), sent to the server in the
   * handshake unless the connection string sets `appName`: the server's logs, currentOp and fail
   * points then tell the stores' connections apart.
   */
  appName: string;
  /**
   * Majority writes and majority reads: what a failed-over primary had not replicated is neither
   * acknowledged nor read. Off only for data that may be lost without harm (snapshots).
   */
  majority: boolean;
  /** Server selection timeout unless the connection string sets `serverSelectionTimeoutMS`. */
  serverSelectionTimeoutMs?: number;
}

export interface MongoConnection {
  client: MongoClient;
  /** The database the connection string names. */
  database: string;
}

/** A client for `url` (a mongodb:// connection string; not connected until first used) and its database. */
export function connectMongo(url: string, options: MongoConnectionOptions): MongoConnection {
  return { client: new MongoClient(url, mongoClientOptions(url, options)), database: databaseName(url) };
}

function mongoClientOptions(url: string, { appName, majority, serverSelectionTimeoutMs = DEFAULT_SERVER_SELECTION_TIMEOUT_MS }: MongoConnectionOptions): MongoClientOptions {
  const options: MongoClientOptions = majority ? { writeConcern: { w: 'majority' }, readConcern: { level: 'majority' } } : {};
  // What the connection string sets wins over the defaults here.
  if (!setsOption(url, 'serverSelectionTimeoutMS')) options.serverSelectionTimeoutMS = serverSelectionTimeoutMs;
  if (!setsOption(url, 'appName')) options.appName = appName;
  return options;
}

/** Whether the connection string's query sets the option (the driver reads option names in any case). */
const setsOption = (url: string, name: string): boolean => new RegExp(`[?&]${name}=`, 'i').test(url);

/** The database a connection string names (its path), "orderstream" when it names none. */
export function databaseName(url: string): string {
  const path = /^mongodb(?:\+srv)?:\/\/[^/?]+\/([^?]*)/.exec(url)?.[1] ?? '';
  return path === '' ? 'orderstream' : decodeURIComponent(path);
}
