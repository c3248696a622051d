// Admins' decisions on parked events, recorded in the log like every other decision: one stream
// per parked event (`parked-event-<subscriber>:<position>`), so who retried or skipped it, when and
// why is hash-chained, anchored, exported and shown by the audit views. The read store's parked
// list only applies what this stream decided (subscriptions-admin.http.ts). Pure.
//
// Invariants: a parked event is resolved once (retried with success, or skipped with a reason);
// a retry that fails is recorded too and leaves it parked.
import { eventTypes, unreachable, type Decider, type DomainEvent } from '../decider/decider.js';
import { DomainError } from '../decider/domain-error.js';
import type { PersonalDataOf } from '../decider/personal-data.js';

export const MAX_SKIP_REASON_LENGTH = 500;

/** Which parked event a decision is about: the subscriber that parked it and the event itself. */
export interface ParkedEventRef {
  subscriber: string;
  position: string;
  streamId: string;
  revision: number;
  eventId: string;
  eventType: string;
}

// ---- events ----
export type ParkedEventRetried = DomainEvent<'ParkedEventRetried', ParkedEventRef>;
export type ParkedEventRetryFailed = DomainEvent<'ParkedEventRetryFailed', ParkedEventRef & { failure: string }>;
export type ParkedEventSkipped = DomainEvent<'ParkedEventSkipped', ParkedEventRef & { reason: string }>;
export type ParkedEventDecision = ParkedEventRetried | ParkedEventRetryFailed | ParkedEventSkipped;

export const PARKED_EVENT_DECISION_TYPES = eventTypes<ParkedEventDecision>({ ParkedEventRetried: true, ParkedEventRetryFailed: true, ParkedEventSkipped: true });

/** Subscriber names, positions, event ids, errors and an admin's reason: no personal data. */
export const PARKED_EVENT_PERSONAL_DATA: PersonalDataOf<ParkedEventDecision> = { ParkedEventRetried: null, ParkedEventRetryFailed: null, ParkedEventSkipped: null };

// ---- commands ----
/** The outcome of an admin's retry, which the subscriber ran just before: null failure = it went through. */
export type RecordParkedEventRetry = { type: 'RecordParkedEventRetry'; parked: ParkedEventRef; failure: string | null };
export type SkipParkedEvent = { type: 'SkipParkedEvent'; parked: ParkedEventRef; reason: string };
export type ParkedEventCommand = RecordParkedEventRetry | SkipParkedEvent;

// ---- state ----
export interface ParkedEventDecisionState {
  resolved: 'retried' | 'skipped' | null;
  failedRetries: number;
}

const initialState: ParkedEventDecisionState = { resolved: null, failedRetries: 0 };

function decide(command: ParkedEventCommand, state: ParkedEventDecisionState): ParkedEventDecision[] {
  const { parked } = command;
  if (state.resolved !== null) {
    throw new DomainError('conflict', 'parked_event_resolved', `${parked.subscriber}:${parked.position} was already ${state.resolved}`);
  }
  switch (command.type) {
    case 'RecordParkedEventRetry':
      return command.failure === null
        ? [{ type: 'ParkedEventRetried', data: parked }]
        : [{ type: 'ParkedEventRetryFailed', data: { ...parked, failure: command.failure } }];
    case 'SkipParkedEvent': {
      const reason = command.reason.trim();
      if (reason.length === 0 || reason.length > MAX_SKIP_REASON_LENGTH) throw new DomainError('invalid', 'invalid_reason', `reason must be 1-${MAX_SKIP_REASON_LENGTH} characters`);
      return [{ type: 'ParkedEventSkipped', data: { ...parked, reason } }];
    }
    default:
      return unreachable(command);
  }
}

function evolve(state: ParkedEventDecisionState, event: ParkedEventDecision): ParkedEventDecisionState {
  switch (event.type) {
    case 'ParkedEventRetried':
      return { ...state, resolved: 'retried' };
    case 'ParkedEventRetryFailed':
      return { ...state, failedRetries: state.failedRetries + 1 };
    case 'ParkedEventSkipped':
      return { ...state, resolved: 'skipped' };
    default:
      return unreachable(event);
  }
}

export const parkedEventsDecider: Decider<ParkedEventCommand, ParkedEventDecision, ParkedEventDecisionState> = { initialState, decide, evolve };

export const PARKED_EVENT_STREAM_PREFIX = 'parked-event-';

/** The stream of the decisions on one parked event; `parkedId` is its id in the admin API. */
export const parkedEventStreamId = (parkedId: string): string => `${PARKED_EVENT_STREAM_PREFIX}${parkedId}`;
