// The gRPC Streams service of EventStoreDB, reached through @eventstore/db-client's connection
// handling (single node or gossip cluster, TLS, keep-alive, reconnecting to the leader).
// The client's high-level calls are not used, for three reasons: its readAll takes no
// server-side filter; its subscription emits caught-up as an event outside the data flow, so
// it cannot be ordered against the events; and appendToStream switches between BatchAppend and
// Append by server version. Calling Streams.Read and Streams.Append directly gives one code
// path that a real server (20.6 and later) and the test double both serve.
import type { CallOptions, ClientReadableStream, Metadata } from '@grpc/grpc-js';
import { EventStoreDBClient, convertToCommandError } from '@eventstore/db-client';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';

export const { AppendReq, AppendResp, ReadReq, ReadResp } = streamsPb;
export type AppendReqT = InstanceType<typeof AppendReq>;
export type AppendRespT = InstanceType<typeof AppendResp>;
export type ReadReqT = InstanceType<typeof ReadReq>;
export type ReadRespT = InstanceType<typeof ReadResp>;

type StreamsClient = InstanceType<typeof streamsGrpc.StreamsClient>;
type StreamsClientClass = typeof streamsGrpc.StreamsClient;

/** The members EventStoreDBClient declares protected; they are what its own calls are built on. */
interface ClientInternals {
  execute<T>(client: StreamsClientClass, debugName: string, action: (client: StreamsClient) => Promise<T>): Promise<T>;
  GRPCStreamCreator<T>(client: StreamsClientClass, debugName: string, creator: (client: StreamsClient) => T): () => Promise<T>;
  callArguments(options: { deadline?: number; requiresLeader?: boolean }, callOptions?: CallOptions): [Metadata, CallOptions];
}

export class EsdbConnection {
  private readonly internals: ClientInternals;

  constructor(readonly client: EventStoreDBClient) {
    // The client declares these members protected; calling them is how appends reuse its
    // connection handling (leader discovery, reconnects) for the calls it has no method for.
    this.internals = client as unknown as ClientInternals;
  }

  static fromConnectionString(url: string): EsdbConnection {
    return new EsdbConnection(EventStoreDBClient.connectionString(url));
  }

  /** One Streams.Append call: the options message, then one message per event. */
  append(messages: readonly AppendReqT[], deadlineMs: number): Promise<AppendRespT> {
    return this.internals.execute(streamsGrpc.StreamsClient, 'append', (grpc) =>
      new Promise<AppendRespT>((resolve, reject) => {
        const [metadata, options] = this.internals.callArguments({ deadline: deadlineMs, requiresLeader: true });
        const call = grpc.append(metadata, options, (error, response) => (error ? reject(convertToCommandError(error)) : resolve(response!)));
        for (const message of messages) call.write(message);
        call.end();
      }),
    );
  }

  /** A finite Streams.Read: every message the server sends before it ends the call. */
  read(request: ReadReqT, deadlineMs: number): Promise<ReadRespT[]> {
    return this.internals.execute(streamsGrpc.StreamsClient, 'read', (grpc) =>
      new Promise<ReadRespT[]>((resolve, reject) => {
        const [metadata, options] = this.internals.callArguments({ deadline: deadlineMs });
        const messages: ReadRespT[] = [];
        grpc
          .read(request, metadata, options)
          .on('data', (message: ReadRespT) => messages.push(message))
          .on('error', (error: Error) => reject(convertToCommandError(error as never)))
          .on('end', () => resolve(messages));
      }),
    );
  }

  /** A Streams.Read that stays open (a subscription); the client cancels it on dispose. */
  subscribe(request: ReadReqT): Promise<ClientReadableStream<ReadRespT>> {
    return this.internals.GRPCStreamCreator(streamsGrpc.StreamsClient, 'subscribeToAll', (grpc) => {
      const [metadata, options] = this.internals.callArguments({}, { deadline: Infinity });
      return grpc.read(request, metadata, options);
    })();
  }

  close(): Promise<void> {
    return this.client.dispose();
  }
}
