// TEST DOUBLE of MongoDB for the MongoDB adapters' tests and `npm run doubles`. It is not MongoDB
// and never runs in production: a TCP server on 127.0.0.1 that the official `mongodb` driver
// talks to exactly as to a server (wire.ts: OP_MSG with document sequences, OP_QUERY for the
// first handshake), presenting itself as the primary of a one-node replica set so the driver
// allows sessions, retryable writes, transactions and majority writes. Everything is kept in
// memory (storage.ts: snapshot isolation, write conflicts, unique indexes); the commands on data
// are in data-commands.ts, evaluated with mingo.
// Where the server's behaviour matters, it follows what the driver expects of it:
// - hello / legacy isMaster answer without a topologyVersion, so the driver polls (no streaming
//   monitor, no exhaust replies);
// - retryable writes (a txnNumber without autocommit) run once per (lsid, txnNumber): a retry of
//   one that already ran gets the first answer; a retryable error on such a write carries the
//   RetryableWriteError label (the driver relies on the server's label from wire version 9 on);
// - transactions: startTransaction on the first command, autocommit:false on each, commit and
//   abort on admin; a write conflict or any error inside aborts the transaction server-side, and
//   later commands on it answer NoSuchTransaction (251, TransientTransactionError); a retried
//   commit of a committed transaction succeeds again; open transactions are aborted after
//   `transactionLifetimeMs` (the server's transactionLifetimeLimitSeconds, 60 s);
// - fault injection through `configureFailPoint: 'failCommand'` (the server's own test command:
//   closeConnection, errorCode, errorLabels, blockConnection/blockTimeMS, appName, times/skip) or the
//   same from code (`failCommand`), plus `dropConnections()` and `setReachable(false)`.
import { createServer, type Server, type Socket } from 'node:net';
import { Binary, Long, ObjectId, Timestamp, type Document } from 'bson';
import { CursorRegistry, DATA_COMMANDS, type CommandScope } from './data-commands.js';
import { BlockedByTransaction, CommandError, StorageEngine, type Transaction } from './storage.js';
import { MessageReader, encodeReply, type WireRequest } from './wire.js';

export interface MongoDoubleOptions {
  /** Default 0: any free port. */
  port?: number;
  replicaSetName?: string;
  /** Open transactions older than this are aborted (the server's 60 s). */
  transactionLifetimeMs?: number;
}

/** The server's failCommand fail point data (what a test can make the double do to a command). */
export interface FailCommandSpec {
  failCommands: string[];
  /** Only commands of connections whose handshake gave this application name (the server's filter). */
  appName?: string;
  closeConnection?: boolean;
  errorCode?: number;
  errorLabels?: string[];
  blockConnection?: boolean;
  blockTimeMS?: number;
}

interface FailPoint {
  spec: FailCommandSpec;
  /** Times left to act; Infinity for alwaysOn. */
  times: number;
  skip: number;
}

interface SessionState {
  txnNumber: bigint;
  transaction?: Transaction;
  /** A retryable write's answer, for a retry of the same txnNumber. */
  retried?: { txnNumber: bigint; reply: Document };
  lifetimeTimer?: NodeJS.Timeout;
}

/** The codes the driver treats as retryable (its RETRYABLE_WRITE_ERROR_CODES). */
const RETRYABLE_CODES = new Set([6, 7, 89, 91, 134, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);
const CODE_NAMES: Record<number, string> = {
  6: 'HostUnreachable',
  89: 'NetworkTimeout',
  91: 'ShutdownInProgress',
  189: 'PrimarySteppedDown',
  10107: 'NotWritablePrimary',
  11600: 'InterruptedAtShutdown',
  11602: 'InterruptedDueToReplStateChange',
  13435: 'NotPrimaryNoSecondaryOk',
  112: 'WriteConflict',
  251: 'NoSuchTransaction',
};
/** The server's wire version 21 is MongoDB 7.0: transactions, retryable writes, snapshot reads. */
const MAX_WIRE_VERSION = 21;
const SERVER_VERSION = '7.0.0';
const CLOSE_CONNECTION = Symbol('close the connection without an answer');

const noSuchTransaction = (txnNumber: bigint, why: string) =>
  new CommandError(251, 'NoSuchTransaction', `Transaction with { txnNumber: ${txnNumber} } ${why}`, {}, ['TransientTransactionError']);

export class MongoDouble {
  readonly engine = new StorageEngine();
  /** How many times each command was received (for tests that count round trips). */
  readonly commandCounts = new Map<string, number>();
  private readonly cursors = new CursorRegistry();
  private readonly sessions = new Map<string, SessionState>();
  private readonly sockets = new Set<Socket>();
  /** The application name each connection gave in its handshake (`client.application.name`). */
  private readonly appNames = new Map<number, string>();
  private failPoint: FailPoint | undefined;
  private reachable = true;
  private nextConnectionId = 1;
  private nextRequestId = 1;
  private timestampCounter = 0;
  readonly replicaSetName: string;
  private readonly transactionLifetimeMs: number;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    options: MongoDoubleOptions,
  ) {
    this.replicaSetName = options.replicaSetName ?? 'rs-double';
    this.transactionLifetimeMs = options.transactionLifetimeMs ?? 60_000;
  }

  static async start(options: MongoDoubleOptions = {}): Promise<MongoDouble> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the MongoDB double has no TCP address');
    const double = new MongoDouble(server, address.port, options);
    server.on('connection', (socket) => double.accept(socket));
    return double;
  }

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** A connection string for the driver: the double as a one-node replica set. */
  connectionString(database = 'orderstream'): string {
    return `mongodb://${this.host}/${database}?replicaSet=${this.replicaSetName}`;
  }

  /** The server's failCommand fail point, from code; `times` Infinity is alwaysOn. */
  failCommand(spec: FailCommandSpec, times = 1, skip = 0): void {
    this.failPoint = { spec, times, skip };
  }

  clearFailPoint(): void {
    this.failPoint = undefined;
  }

  /** Cuts every open connection, as a network failure or a restart would. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  /** false: every connection is cut and new ones are closed at once (a server that is down). */
  setReachable(reachable: boolean): void {
    this.reachable = reachable;
    if (!reachable) this.dropConnections();
  }

  get openTransactions(): number {
    return this.engine.open.size;
  }

  get openCursors(): number {
    return this.cursors.size;
  }

  async stop(): Promise<void> {
    for (const session of this.sessions.values()) clearTimeout(session.lifetimeTimer);
    for (const transaction of [...this.engine.open]) transaction.abort();
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    if (!this.reachable) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const connectionId = this.nextConnectionId++;
    const reader = new MessageReader();
    // One request at a time per connection, as the driver sends them; connections run side by side.
    let queue = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      let requests: WireRequest[];
      try {
        requests = reader.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const request of requests) {
        queue = queue.then(async () => {
          if (socket.destroyed) return;
          const reply = await this.answer(request, connectionId);
          if (reply === CLOSE_CONNECTION) socket.destroy();
          else if (request.expectsReply && !socket.destroyed) socket.write(encodeReply(request, reply, this.nextRequestId++));
        });
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.appNames.delete(connectionId);
    });
  }

  private async answer(request: WireRequest, connectionId: number): Promise<Document | typeof CLOSE_CONNECTION> {
    const command = request.command;
    const name = Object.keys(command)[0] ?? '';
    this.commandCounts.set(name, (this.commandCounts.get(name) ?? 0) + 1);
    const fault = this.firedFailPoint(name, connectionId);
    // A blocked command, like any on the server, is interrupted when its maxTimeMS runs out.
    const maxTimeMs = command.maxTimeMS === undefined ? Infinity : Number(command.maxTimeMS);
    const blockMs = fault?.blockConnection ? Math.min(fault.blockTimeMS ?? 0, maxTimeMs) : 0;
    if (blockMs > 0) await new Promise((resolve) => setTimeout(resolve, blockMs));
    if (fault?.closeConnection) return CLOSE_CONNECTION;
    let reply: Document;
    try {
      if (fault?.blockConnection && (fault.blockTimeMS ?? 0) > maxTimeMs) throw new CommandError(50, 'MaxTimeMSExpired', 'operation exceeded time limit');
      if (fault?.errorCode !== undefined) {
        throw new CommandError(fault.errorCode, CODE_NAMES[fault.errorCode] ?? 'FailPointError', "Failing command via 'failCommand' failpoint", {}, fault.errorLabels ?? []);
      }
      reply = await this.run(name, command, request.database, connectionId);
    } catch (error) {
      reply = this.errorReply(error, command, name, fault?.errorLabels !== undefined);
    }
    const now = this.clusterTime();
    return { ...reply, $clusterTime: { clusterTime: now, signature: { hash: new Binary(Buffer.alloc(20)), keyId: Long.ZERO } }, operationTime: now };
  }

  private firedFailPoint(name: string, connectionId: number): FailCommandSpec | undefined {
    const point = this.failPoint;
    if (!point || name === 'configureFailPoint' || !point.spec.failCommands.includes(name)) return undefined;
    if (point.spec.appName !== undefined && this.appNames.get(connectionId) !== point.spec.appName) return undefined;
    if (point.skip > 0) {
      point.skip -= 1;
      return undefined;
    }
    point.times -= 1;
    if (point.times <= 0) this.failPoint = undefined;
    return point.spec;
  }

  private errorReply(error: unknown, command: Document, name: string, labelsGiven: boolean): Document {
    const failure =
      error instanceof CommandError ? error : new CommandError(1, 'InternalError', `the test double failed: ${(error as Error).message ?? String(error)}`);
    const labels = new Set(failure.errorLabels);
    if (!labelsGiven && RETRYABLE_CODES.has(failure.code)) {
      const inTransaction = command.autocommit === false;
      const isTransactionEnd = name === 'commitTransaction' || name === 'abortTransaction';
      if (inTransaction && !isTransactionEnd) labels.add('TransientTransactionError');
      else if (command.txnNumber !== undefined) labels.add('RetryableWriteError');
    }
    return {
      ok: 0,
      errmsg: failure.message,
      code: failure.code,
      codeName: failure.codeName,
      ...failure.extra,
      ...(labels.size > 0 ? { errorLabels: [...labels] } : {}),
    };
  }

  private clusterTime(): Timestamp {
    this.timestampCounter += 1;
    return new Timestamp({ t: Math.floor(Date.now() / 1000), i: this.timestampCounter });
  }

  private hello(name: string, command: Document, connectionId: number): Document {
    const appName = (command.client as { application?: { name?: unknown } } | undefined)?.application?.name;
    if (typeof appName === 'string') this.appNames.set(connectionId, appName);
    const now = new Date();
    const opTime = { ts: this.clusterTime(), t: Long.fromNumber(1) };
    return {
      ...(name === 'hello' ? { isWritablePrimary: true } : { ismaster: true }),
      ...(command.helloOk === true ? { helloOk: true } : {}),
      hosts: [this.host],
      setName: this.replicaSetName,
      setVersion: 1,
      primary: this.host,
      me: this.host,
      secondary: false,
      electionId: new ObjectId('7fffffff0000000000000001'),
      lastWrite: { opTime, lastWriteDate: now, majorityOpTime: opTime, majorityWriteDate: now },
      maxBsonObjectSize: 16 * 1024 * 1024,
      maxMessageSizeBytes: 48_000_000,
      maxWriteBatchSize: 100_000,
      localTime: now,
      logicalSessionTimeoutMinutes: 30,
      connectionId,
      minWireVersion: 0,
      maxWireVersion: MAX_WIRE_VERSION,
      readOnly: false,
      ok: 1,
    };
  }

  private async run(name: string, command: Document, database: string, connectionId: number): Promise<Document> {
    switch (name) {
      case 'hello':
      case 'isMaster':
      case 'ismaster':
        return this.hello(name, command, connectionId);
      case 'ping':
        return { ok: 1 };
      case 'buildInfo':
      case 'buildinfo':
        return { version: SERVER_VERSION, versionArray: [7, 0, 0, 0], bits: 64, maxBsonObjectSize: 16 * 1024 * 1024, storageEngines: ['double'], ok: 1 };
      case 'endSessions':
        for (const lsid of (command.endSessions ?? []) as Document[]) this.endSession(sessionKey(lsid));
        return { ok: 1 };
      case 'configureFailPoint':
        return this.configureFailPoint(command);
      default:
        return this.runOnData(name, command, database);
    }
  }

  private configureFailPoint(command: Document): Document {
    if (command.configureFailPoint !== 'failCommand') throw new CommandError(2, 'BadValue', `the test double knows only the failCommand fail point`);
    const mode = command.mode as string | { times?: number; skip?: number };
    if (mode === 'off') this.clearFailPoint();
    else if (mode === 'alwaysOn') this.failCommand(command.data as FailCommandSpec, Infinity);
    else if (typeof mode === 'object') this.failCommand(command.data as FailCommandSpec, Number(mode.times ?? Infinity), Number(mode.skip ?? 0));
    else throw new CommandError(2, 'BadValue', `unknown fail point mode ${JSON.stringify(mode)}`);
    return { count: 0, ok: 1 };
  }

  private endSession(key: string): void {
    const session = this.sessions.get(key);
    if (!session) return;
    clearTimeout(session.lifetimeTimer);
    session.transaction?.abort();
    this.sessions.delete(key);
  }

  private session(lsid: Document): SessionState {
    const key = sessionKey(lsid);
    const existing = this.sessions.get(key);
    if (existing) return existing;
    const created: SessionState = { txnNumber: -1n };
    this.sessions.set(key, created);
    return created;
  }

  private async runOnData(name: string, command: Document, database: string): Promise<Document> {
    const handler = name === 'commitTransaction' || name === 'abortTransaction' ? undefined : DATA_COMMANDS[name];
    const lsid = command.lsid as Document | undefined;
    const txnNumber = command.txnNumber === undefined ? undefined : toBigInt(command.txnNumber);
    if (lsid && txnNumber !== undefined && command.autocommit === false) return this.runInTransaction(name, command, database, this.session(lsid), txnNumber);
    if (!handler) {
      if (name === 'commitTransaction' || name === 'abortTransaction') throw new CommandError(50768, 'InvalidOptions', `${name} needs a transaction (txnNumber and autocommit: false)`);
      throw new CommandError(59, 'CommandNotFound', `no such command: '${name}'`);
    }
    if (!(lsid && txnNumber !== undefined)) return handler(command, this.scope(database));
    // A retryable write: run once per (session, txnNumber).
    const session = this.session(lsid);
    if (session.retried?.txnNumber === txnNumber) return session.retried.reply;
    if (txnNumber < session.txnNumber) throw new CommandError(225, 'TransactionTooOld', `Cannot start transaction ${txnNumber} on session because a newer transaction ${session.txnNumber} has already started`);
    session.transaction?.abort();
    session.txnNumber = txnNumber;
    const reply = await handler(command, this.scope(database));
    session.retried = { txnNumber, reply };
    return reply;
  }

  private async runInTransaction(name: string, command: Document, database: string, session: SessionState, txnNumber: bigint): Promise<Document> {
    if (command.startTransaction === true) {
      if (txnNumber < session.txnNumber || (txnNumber === session.txnNumber && session.transaction)) {
        throw new CommandError(225, 'TransactionTooOld', `Cannot start transaction ${txnNumber} on session because transaction ${session.txnNumber} has already started`);
      }
      session.transaction?.abort();
      clearTimeout(session.lifetimeTimer);
      session.txnNumber = txnNumber;
      session.transaction = this.engine.begin(false);
      const started = session.transaction;
      session.lifetimeTimer = setTimeout(() => started.abort(), this.transactionLifetimeMs);
      session.lifetimeTimer.unref();
    }
    const transaction = session.transaction;
    if (txnNumber !== session.txnNumber || !transaction) throw noSuchTransaction(txnNumber, 'does not match any in-progress transaction');
    if (name === 'commitTransaction') {
      if (transaction.state === 'aborted') throw noSuchTransaction(txnNumber, 'has been aborted.');
      transaction.commit(); // a retried commit of a committed transaction answers ok again
      clearTimeout(session.lifetimeTimer);
      return { ok: 1 };
    }
    if (name === 'abortTransaction') {
      if (transaction.state === 'committed') throw new CommandError(256, 'TransactionCommitted', `Transaction with { txnNumber: ${txnNumber} } has been committed.`);
      if (transaction.state === 'aborted') throw noSuchTransaction(txnNumber, 'has been aborted.');
      transaction.abort();
      clearTimeout(session.lifetimeTimer);
      return { ok: 1 };
    }
    if (transaction.state !== 'active') throw noSuchTransaction(txnNumber, `has been ${transaction.state}.`);
    const handler = DATA_COMMANDS[name];
    if (!handler) throw new CommandError(263, 'OperationNotSupportedInTransaction', `Cannot run '${name}' in a multi-document transaction.`);
    try {
      const reply = await handler(command, this.scope(database, transaction));
      // Any write error inside a transaction aborts it on the server.
      if (Array.isArray(reply.writeErrors) && reply.writeErrors.length > 0) transaction.abort();
      return reply;
    } catch (error) {
      transaction.abort();
      throw error;
    }
  }

  private scope(db: string, transaction?: Transaction): CommandScope {
    const engine = this.engine;
    const lifetime = this.transactionLifetimeMs;
    return {
      engine,
      db,
      inTransaction: transaction !== undefined,
      cursors: this.cursors,
      reader: () => transaction ?? engine.snapshotNow(),
      async statement(run) {
        if (transaction) return run(transaction);
        // On its own: atomic, and waiting (bounded by the holder's lifetime) on a transaction's documents.
        for (;;) {
          const single = engine.begin(true);
          try {
            const result = run(single);
            single.commit();
            return result;
          } catch (error) {
            single.abort();
            if (!(error instanceof BlockedByTransaction)) throw error;
            await Promise.race([error.holder.finished, new Promise((resolve) => setTimeout(resolve, lifetime).unref())]);
          }
        }
      },
    };
  }
}

function toBigInt(value: unknown): bigint {
  return value instanceof Long ? value.toBigInt() : BigInt(Number(value));
}

function sessionKey(lsid: Document): string {
  const id = lsid.id as Binary | undefined;
  return id instanceof Binary ? Buffer.from(id.buffer).toString('hex') : JSON.stringify(lsid);
}
