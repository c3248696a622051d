import { describe, expect, it } from '@jest/globals';
import { eventTypes, typesMarkedTrue, type DomainEvent } from './decider.js';

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

  it('chooses the types marked true, typed as those alone, from a choice covering the whole union', () => {
    const heard = typesMarkedTrue({ Opened: true, Closed: false } as const satisfies Record<DoorEvent['type'], boolean>);
    expect(heard).toEqual(['Opened']);
    const opened: (typeof heard)[number] = 'Opened';
    // @ts-expect-error Closed was marked false: not a type the list can hold
    const closed: (typeof heard)[number] = 'Closed';
    expect([opened, closed]).toHaveLength(2);
    // @ts-expect-error Closed is left undecided
    expect(typesMarkedTrue({ Opened: true } as const satisfies Record<DoorEvent['type'], boolean>)).toEqual(['Opened']);
  });
});
