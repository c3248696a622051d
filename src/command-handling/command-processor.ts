// The one way a command changes state: load the stream, fold it, decide, append with the
// revision that was read. Losing the race re-reads and re-decides, a bounded number of times.
import { Inject, Injectable } from '@nestjs/common';
import { fold, type Decider, type DomainEvent } from '../decider/decider.js';
import { CLOCK, type Clock } from '../clock/clock.js';
import { WrongExpectedRevisionError } from '../eventstore/event-store.errors.js';
import { EVENT_STORE, type EventStore, type NewEvent, type Position, type RecordedEvent } from '../eventstore/event-store.port.js';
import { ConcurrencyConflictError, PreconditionFailedError } from './command-errors.js';
import type { CommandMetadata } from './command-metadata.js';
import { commandMetrics } from './command-metrics.js';
import { eventIdFor } from './event-id.js';
import { DomainError } from '../decider/domain-error.js';

export interface CommandResult {
  /** Revision of the stream after the command (its last event's revision). */
  revision: number;
  /** Global position of the command's last event: pass it as X-Min-Position to read your write. */
  position: Position;
}

export interface CommandRequest<Command extends { type: string }> {
  streamId: string;
  command: Command;
  metadata: CommandMetadata;
  /** From If-Match: the revision the client last saw; a different current revision answers 412. */
  ifMatchRevision?: number;
}

export const MAX_COMMAND_ATTEMPTS = 5;

@Injectable()
export class CommandProcessor {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async handle<Command extends { type: string }, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    request: CommandRequest<Command>,
  ): Promise<CommandResult> {
    const commandType = request.command.type;
    try {
      return await this.decideAndAppend(decider, request);
    } catch (error) {
      if (error instanceof DomainError || error instanceof PreconditionFailedError) commandMetrics.outcome(commandType, 'refused');
      if (error instanceof ConcurrencyConflictError) commandMetrics.outcome(commandType, 'conflict');
      throw error;
    }
  }

  private async decideAndAppend<Command extends { type: string }, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    request: CommandRequest<Command>,
  ): Promise<CommandResult> {
    const { streamId } = request;
    const commandType = request.command.type;
    for (let attempt = 1; attempt <= MAX_COMMAND_ATTEMPTS; attempt++) {
      const history = await this.store.readStream(streamId);
      const last = history.at(-1);
      if (request.ifMatchRevision !== undefined && request.ifMatchRevision !== last?.revision) {
        throw new PreconditionFailedError(request.ifMatchRevision, last?.revision);
      }
      // A command already recorded (a retry after a lost answer) is answered as it was then.
      const earlier = lastEventOfCommand(history, request.metadata.commandId);
      if (earlier) {
        commandMetrics.outcome(commandType, 'repeated');
        return { revision: earlier.revision, position: earlier.position };
      }

      const state = fold(decider, history as unknown as Event[]);
      const decided = decider.decide(request.command, state);
      if (decided.length === 0) {
        commandMetrics.outcome(commandType, 'unchanged');
        return { revision: last?.revision ?? -1, position: last?.position ?? 0n };
      }

      try {
        const result = await this.store.append(
          streamId,
          this.envelope(decided, request),
          last === undefined ? 'no_stream' : last.revision,
        );
        commandMetrics.outcome(commandType, 'recorded');
        return { revision: result.nextRevision, position: result.position };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        commandMetrics.retried(commandType);
      }
    }
    throw new ConcurrencyConflictError(streamId, MAX_COMMAND_ATTEMPTS);
  }

  private envelope<Command extends { type: string }>(events: DomainEvent[], request: CommandRequest<Command>): NewEvent[] {
    const occurredAt = this.clock.now().toISOString();
    const { commandId, correlationId, causationId, requestId, actor } = request.metadata;
    return events.map((event, index) => ({
      eventId: eventIdFor(commandId, index),
      type: event.type,
      schemaVersion: event.schemaVersion ?? 1,
      data: event.data,
      metadata: {
        actor, commandId, commandType: request.command.type, correlationId, causationId, occurredAt,
        // Left out when absent: a key holding undefined would not survive the JSON round trip.
        ...(requestId === undefined ? {} : { requestId }),
      },
    }));
  }
}

function lastEventOfCommand(history: RecordedEvent[], commandId: string): RecordedEvent | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    if (history[i]!.metadata.commandId === commandId) return history[i];
  }
  return undefined;
}
