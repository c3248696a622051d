// The one way a command changes state: load the stream, fold it, decide, append with the
// revision that was read. Losing the race re-reads and re-decides, a bounded number of times.
// Folds are cached per stream and long streams snapshotted (StreamLoader), so a command reads only
// the new events.
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Decider, DomainEvent } from '../decider/decider.js';
import { CLOCK, type Clock } from '../clock/clock.js';
import { WrongExpectedRevisionError } from '../eventstore/event-store.errors.js';
import { EVENT_STORE, type EventStore, type NewEvent, type Position } from '../eventstore/event-store.port.js';
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

/** One command's answer among several handled together: its result, or why it was refused. */
export type TogetherOutcome = { ok: true; result: CommandResult } | { ok: false; error: unknown };

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

  /**
   * Several commands for one stream that wait for it at the same moment (the reservations of a
   * popular product): each decided in turn against the state the ones before it leave, all their
   * events appended together, so they share one append and one fsync instead of one each. Each is
   * answered by itself: a refused one (DomainError) is refused alone and the others go on, a
   * recorded one is answered from the log. A lost race re-decides them all. Each answer's revision
   * is its own last event's; its position is the append's (at or past its own events, which is
   * what X-Min-Position needs).
   */
  async handleTogether<Command extends { type: string }, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    streamId: string,
    requests: readonly { command: Command; metadata: CommandMetadata }[],
  ): Promise<TogetherOutcome[]> {
    if (requests.length === 1) {
      const [only] = requests;
      return [await this.handle(decider, { streamId, ...only! }).then((result): TogetherOutcome => ({ ok: true, result }), (error: unknown) => ({ ok: false, error }))];
    }
    return inSpan(`commands ${requests[0]!.command.type} x${requests.length}`, { 'orderstream.stream': streamId }, () => this.decideTogether(decider, streamId, requests));
  }

  private async decideTogether<Command extends { type: string }, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    streamId: string,
    requests: readonly { command: Command; metadata: CommandMetadata }[],
  ): Promise<TogetherOutcome[]> {
    for (let attempt = 1; attempt <= MAX_COMMAND_ATTEMPTS; attempt++) {
      const stream = await this.streams.load(decider, streamId);
      const outcomes: (TogetherOutcome | undefined)[] = [];
      const appending: { index: number; commandId: string; revision: number }[] = [];
      const events: NewEvent[] = [];
      const decidedHere = new Set<string>();
      let state = stream.state;
      for (const [index, { command, metadata }] of requests.entries()) {
        const earlier = await this.streams.recorded(stream, streamId, metadata.commandId);
        if (earlier) {
          commandMetrics.outcome(command.type, 'repeated');
          outcomes[index] = { ok: true, result: earlier };
          continue;
        }
        if (decidedHere.has(metadata.commandId)) {
          // The same command twice in the group (sent again meanwhile): answered with the first.
          outcomes[index] = undefined;
          appending.push({ index, commandId: metadata.commandId, revision: -1 });
          continue;
        }
        let decided: Event[];
        try {
          decided = decider.decide(command, state);
        } catch (error) {
          if (error instanceof DomainError) commandMetrics.outcome(command.type, 'refused');
          outcomes[index] = { ok: false, error };
          continue;
        }
        if (decided.length === 0) {
          commandMetrics.outcome(command.type, 'unchanged');
          outcomes[index] = { ok: true, result: { revision: stream.revision + events.length, position: stream.position ?? 0n } };
          continue;
        }
        decidedHere.add(metadata.commandId);
        events.push(...envelopeEvents(decided, { commandType: command.type, metadata, occurredAt: this.clock.now() }));
        state = decided.reduce(decider.evolve, state);
        appending.push({ index, commandId: metadata.commandId, revision: stream.revision + events.length });
      }
      if (events.length === 0) return outcomes.map((outcome) => outcome!);
      try {
        const result = await inSpan('eventstore append', { 'orderstream.stream': streamId, 'orderstream.events': events.length }, () => eventStoreMetrics.timeAppend(() =>
          this.store.append(streamId, events, stream.revision < 0 ? 'no_stream' : stream.revision)));
        const answers = new Map<string, CommandResult>();
        for (const { index, commandId, revision } of appending) {
          if (revision >= 0) {
            const recorded = { revision, position: result.position };
            answers.set(commandId, recorded);
            stream.commands.set(commandId, recorded);
            commandMetrics.outcome(requests[index]!.command.type, 'recorded');
          }
          outcomes[index] = { ok: true, result: answers.get(commandId)! };
        }
        this.streams.cache.remember(streamId, decider, { ...stream, revision: result.nextRevision, position: result.position, state, hash: undefined });
        return outcomes.map((outcome) => outcome!);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        for (const { command } of requests) commandMetrics.retried(command.type);
      }
    }
    throw new ConcurrencyConflictError(streamId, MAX_COMMAND_ATTEMPTS);
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
