import { describe, expect, it } from '@jest/globals';
import { eventTypes, type DomainEvent } from './decider.js';

type Opened = DomainEvent<'Opened', { id: string }>;
type Closed = DomainEvent<'Closed', { id: string }>;
type DoorEvent = Opened | Closed;

describe('eventTypes', () => {
  it('lists every type of the union, in the order written', () => {
    expect(eventTypes<DoorEvent>({ Opened: true, Closed: true })).toEqual(['Opened', 'Closed']);
  });

  // The point of the record: npm run typecheck (part of npm test) fails if either line compiles.
  it('does not compile with a type left out, or with one the union lacks', () => {
    // @ts-expect-error Closed is left out: a subscriber filtering on this list would skip it silently
    expect(eventTypes<DoorEvent>({ Opened: true })).toEqual(['Opened']);
    // @ts-expect-error Reopened is not an event of the union
    expect(eventTypes<DoorEvent>({ Opened: true, Closed: true, Reopened: true })).toHaveLength(3);
  });
});
