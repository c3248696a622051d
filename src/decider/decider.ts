// The shape every bounded context's pure domain takes (Chassaing's decider pattern):
// decide(command, state) -> events, evolve(state, event) -> state. No I/O, no clock, no framework.

/** A domain event as the domain sees it: a stable past-tense type and plain data. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  /** Shape version of `data`; 1 unless an event type has evolved. */
  schemaVersion?: number;
}

export interface Decider<Command, Event extends DomainEvent, State> {
  initialState: State;
  /** Returns the events that record the command's effect, or throws a DomainError. */
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  /**
   * For streams that grow long: keep a snapshot of the state every `every` events, so a command
   * folds at most that many (src/snapshots). Never for a decider whose events hold personal data:
   * a snapshot would keep it past the subject's erasure. Raise `stateVersion` (default 1) when
   * evolve builds another state without its own source changing (a helper it calls, an upcaster):
   * stored snapshots of the old state are then ignored. Edits to evolve or initialState are noticed
   * without it.
   */
  snapshots?: { every: number; stateVersion?: number };
}

export function fold<Event extends DomainEvent, State>(
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  events: Iterable<Event>,
): State {
  let state = decider.initialState;
  for (const event of events) state = decider.evolve(state, event);
  return state;
}

/**
 * The event types of a union, listed as the keys of an exhaustive record: leaving a type out,
 * or naming one the union does not have, is a compile error (a plain array catches only the
 * second). Subscribers filter on these lists, so a forgotten type would be skipped silently.
 */
export function eventTypes<Event extends DomainEvent>(types: Record<Event['type'], true>): readonly Event['type'][] {
  return Object.keys(types) as Event['type'][];
}

/**
 * The event types a subscriber reacts to, chosen from every type of the unions it could see:
 * with `satisfies Record<Event['type'], boolean>` at the call, each type is marked true or
 * false, so a new event in any of those unions is a compile error until someone decides.
 */
export function typesMarkedTrue<const Choice extends Record<string, boolean>>(choice: Choice): readonly MarkedTrue<Choice>[] {
  return Object.keys(choice).filter((type) => choice[type]) as MarkedTrue<Choice>[];
}

type MarkedTrue<Choice extends Record<string, boolean>> = { [Type in keyof Choice & string]: Choice[Type] extends true ? Type : never }[keyof Choice & string];

/** The `never` check of an exhaustive switch: an unhandled variant fails to compile. */
export function unreachable(value: never): never {
  throw new Error(`Unhandled variant: ${JSON.stringify(value)}`);
}
