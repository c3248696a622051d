// The one way a command changes state: load the stream, fold it, decide, append with the
// revision that was read. Losing the race re-reads and re-decides, a bounded number of times.
// Folds are cached per stream and long streams snapshotted (StreamLoader), so a command reads only
// the new events.
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Decider, DomainEvent } from '../decider/decider.js';
import { CLOCK, type Clock } from '../clock/clock.js';
import { WrongExpectedRevisionError } from '../eventstore/event-store.errors.js';
import { EVENT_STORE, type EventStore, type Position } from '../eventstore/event-store.port.js';
import { ConcurrencyConflictError, PreconditionFailedError } from './command-errors.js';
import type { CommandMetadata } from './command-metadata.js';
import { commandMetrics } from './command-metrics.js';
import { envelopeEvents } from './event-envelope.js';
import { StreamLoader } from './stream-loader.js';
import { SNAPSHOT_STORE, type SnapshotStore } from '../snapshots/snapshot-store.port.js';
import { StreamSnapshots } from '../snapshots/stream-snapshots.js';
import { DomainError } from '../decider/domain-error.js';
import { inSpan } from '../observability/tracing.js';
import { eventStoreMetrics } from '../eventstore/event-store-metrics.js';

export interface CommandResult {
  /** Revision of the stream after the command (its last event's revision). */
  revision: number;
  /** Global position of the command's last event: pass it as X-Min-Position to read your write. */
  position: Position;
}

/** The answer of a command whose handler derived the entity's id: the caller learns it here. */
export interface IdentifiedCommandResult extends CommandResult {
  id: string;
}

export interface CommandRequest<Command extends { type: string }, State = unknown> {
  streamId: string;
  command: Command;
  /**
   * Who asks and why. A function of the entity's state where the metadata depends on it (a
   * saga's steps carry the correlation id the saga started with, whatever request triggered them).
   */
  metadata: CommandMetadata | ((state: State) => CommandMetadata);
  /** From If-Match: the revision the client last saw; a different current revision answers 412. */
  ifMatchRevision?: number;
}

const MAX_COMMAND_ATTEMPTS = 5;

@Injectable()
export class CommandProcessor {
  private readonly streams: StreamLoader;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    // Absent (tests, tools), every command folds its stream from the log or the cache.
    @Optional() @Inject(SNAPSHOT_STORE) snapshotStore?: SnapshotStore,
  ) {
    const snapshots = snapshotStore && new StreamSnapshots(snapshotStore, (message) => new Logger('Snapshots').warn(message));
    this.streams = new StreamLoader(store, snapshots);
  }

  async handle<Command extends { type: string }, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    request: CommandRequest<Command, State>,
  ): Promise<CommandResult> {
    const commandType = request.command.type;
    try {
      return await inSpan(`command ${commandType}`, { 'orderstream.stream': request.streamId }, () => this.decideAndAppend(decider, request));
    } catch (error) {
      if (error instanceof DomainError || error instanceof PreconditionFailedError) commandMetrics.outcome(commandType, 'refused');
      if (error instanceof ConcurrencyConflictError) commandMetrics.outcome(commandType, 'conflict');
      throw error;
    }
  }

  private async decideAndAppend<Command extends { type: string }, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    request: CommandRequest<Command, State>,
  ): Promise<CommandResult> {
    const { streamId } = request;
    const commandType = request.command.type;
    for (let attempt = 1; attempt <= MAX_COMMAND_ATTEMPTS; attempt++) {
      const stream = await this.streams.load(decider, streamId);
      if (request.ifMatchRevision !== undefined && request.ifMatchRevision !== stream.revision) {
        throw new PreconditionFailedError(request.ifMatchRevision, stream.revision < 0 ? undefined : stream.revision);
      }
      const metadata = typeof request.metadata === 'function' ? request.metadata(stream.state) : request.metadata;
      // A command already recorded (a retry after a lost answer) is answered as it was then.
      const earlier = await this.streams.recorded(stream, streamId, metadata.commandId);
      if (earlier) {
        commandMetrics.outcome(commandType, 'repeated');
        return earlier;
      }

      const decided = decider.decide(request.command, stream.state);
      if (decided.length === 0) {
        commandMetrics.outcome(commandType, 'unchanged');
        return { revision: stream.revision, position: stream.position ?? 0n };
      }

      try {
        const result = await inSpan('eventstore append', { 'orderstream.stream': streamId, 'orderstream.events': decided.length }, () => eventStoreMetrics.timeAppend(() => this.store.append(
          streamId,
          envelopeEvents(decided, { commandType, metadata, occurredAt: this.clock.now() }),
          stream.revision < 0 ? 'no_stream' : stream.revision,
        )));
        commandMetrics.outcome(commandType, 'recorded');
        const recorded = { revision: result.nextRevision, position: result.position };
        stream.commands.set(metadata.commandId, recorded);
        // The chain hash of the appended events is the store's: a snapshot reads it back when due.
        this.streams.cache.remember(streamId, decider, { ...stream, ...recorded, state: decided.reduce(decider.evolve, stream.state), hash: undefined });
        return recorded;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        commandMetrics.retried(commandType);
      }
    }
    throw new ConcurrencyConflictError(streamId, MAX_COMMAND_ATTEMPTS);
  }
}
