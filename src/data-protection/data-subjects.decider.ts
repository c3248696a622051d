// Data protection: one stream per data subject (a customer's user id) recording legal holds and
// the erasure. Pure: events, commands, decide, evolve. The erasure itself (destroying the
// subject's key) follows the receipt: erase-data-subject/.
//
// Invariants: a subject under legal hold is not erased (409 legal_hold); an erased subject is
// erased once (a repeat records nothing) and is not put under hold afterwards.
import { eventTypes, unreachable, type Decider, type DomainEvent } from '../decider/decider.js';
import { DomainError } from '../decider/domain-error.js';
import type { PersonalDataOf } from '../decider/personal-data.js';

export const MAX_REASON_LENGTH = 500;

// ---- events ----
export type LegalHoldPlaced = DomainEvent<'LegalHoldPlaced', { subjectId: string; reason: string }>;
export type LegalHoldLifted = DomainEvent<'LegalHoldLifted', { subjectId: string; reason: string }>;
/** The erasure receipt: who (metadata.actor), when (metadata.occurredAt), why and which subject; no personal data. */
export type DataSubjectErased = DomainEvent<'DataSubjectErased', { subjectId: string; reason: string }>;
export type DataSubjectEvent = LegalHoldPlaced | LegalHoldLifted | DataSubjectErased;

export const DATA_SUBJECT_EVENT_TYPES = eventTypes<DataSubjectEvent>({ LegalHoldPlaced: true, LegalHoldLifted: true, DataSubjectErased: true });

/** Reasons are an administrator's words about a request, never the subject's data. */
export const DATA_SUBJECT_PERSONAL_DATA: PersonalDataOf<DataSubjectEvent> = { LegalHoldPlaced: null, LegalHoldLifted: null, DataSubjectErased: null };

// ---- commands ----
export type PlaceLegalHold = { type: 'PlaceLegalHold'; subjectId: string; reason: string };
export type LiftLegalHold = { type: 'LiftLegalHold'; subjectId: string; reason: string };
export type EraseDataSubject = { type: 'EraseDataSubject'; subjectId: string; reason: string };
export type DataSubjectCommand = PlaceLegalHold | LiftLegalHold | EraseDataSubject;

// ---- state ----
export interface DataSubjectState {
  legalHold: { reason: string } | null;
  erased: boolean;
}

const initialState: DataSubjectState = { legalHold: null, erased: false };

function reasonOf(command: DataSubjectCommand): string {
  const reason = command.reason.trim();
  if (reason.length === 0 || reason.length > MAX_REASON_LENGTH) throw new DomainError('invalid', 'invalid_reason', `reason must be 1-${MAX_REASON_LENGTH} characters`);
  return reason;
}

function decide(command: DataSubjectCommand, state: DataSubjectState): DataSubjectEvent[] {
  const { subjectId } = command;
  const reason = reasonOf(command);
  switch (command.type) {
    case 'PlaceLegalHold':
      if (state.erased) throw new DomainError('conflict', 'data_subject_erased', `Data subject ${subjectId} is erased: there is nothing left to hold`);
      if (state.legalHold) return [];
      return [{ type: 'LegalHoldPlaced', data: { subjectId, reason } }];
    case 'LiftLegalHold':
      if (!state.legalHold) return [];
      return [{ type: 'LegalHoldLifted', data: { subjectId, reason } }];
    case 'EraseDataSubject':
      if (state.erased) return [];
      if (state.legalHold) {
        throw new DomainError('conflict', 'legal_hold', `Data subject ${subjectId} is under legal hold (${state.legalHold.reason}): lift the hold before erasing`);
      }
      return [{ type: 'DataSubjectErased', data: { subjectId, reason } }];
    default:
      return unreachable(command);
  }
}

function evolve(state: DataSubjectState, event: DataSubjectEvent): DataSubjectState {
  switch (event.type) {
    case 'LegalHoldPlaced':
      return { ...state, legalHold: { reason: event.data.reason } };
    case 'LegalHoldLifted':
      return { ...state, legalHold: null };
    case 'DataSubjectErased':
      return { ...state, erased: true };
    default:
      return unreachable(event);
  }
}

export const dataSubjectsDecider: Decider<DataSubjectCommand, DataSubjectEvent, DataSubjectState> = { initialState, decide, evolve };

export const dataSubjectStreamId = (subjectId: string) => `data-subject-${subjectId}`;
