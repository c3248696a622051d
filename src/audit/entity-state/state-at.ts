// The state of an entity at a moment (a revision, or a time compared with recordedAt), and the
// difference between two moments: each changed field with the events that changed it.
import type { RecordedEvent } from '../../eventstore/event-store.port.js';
import type { EntityFold } from './entity-registry.js';

export type Moment = { revision: number } | { at: string };

/** Index of the last event the moment includes; -1 for before the first. */
function lastIndexAt(events: readonly RecordedEvent[], moment: Moment): number {
  let last = -1;
  events.forEach((event, index) => {
    if ('revision' in moment ? event.revision <= moment.revision : event.recordedAt <= moment.at) last = index;
  });
  return last;
}

export interface StateAt {
  /** The revision the state reflects; null before the entity's first event. */
  revision: number | null;
  recordedAt: string | null;
  state: unknown;
}

export function stateAt(fold: EntityFold, events: readonly RecordedEvent[], moment: Moment): StateAt {
  const last = lastIndexAt(events, moment);
  let state = fold.initialState;
  for (let i = 0; i <= last; i++) state = fold.evolve(state, events[i]!);
  return { revision: last < 0 ? null : events[last]!.revision, recordedAt: last < 0 ? null : events[last]!.recordedAt, state };
}

/** Leaf values by JSON path (a.b.0.c); objects and arrays are walked, other values are leaves. */
export function flatten(value: unknown, path = '', into = new Map<string, unknown>()): Map<string, unknown> {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    if (entries.length === 0) into.set(path, value);
    for (const [key, inner] of entries) flatten(inner, path === '' ? key : `${path}.${key}`, into);
  } else {
    into.set(path, value);
  }
  return into;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
  /** Every event between the two moments after which this field had a new value. */
  changedBy: Array<{ revision: number; position: string; type: string; eventId: string; recordedAt: string; actor: unknown; commandType: string }>;
}

export interface StateDiff {
  from: StateAt;
  to: StateAt;
  changes: FieldChange[];
}

export function diffStates(fold: EntityFold, events: readonly RecordedEvent[], from: Moment, to: Moment): StateDiff {
  const fromAt = stateAt(fold, events, from);
  const toAt = stateAt(fold, events, to);
  const first = lastIndexAt(events, from);
  const last = lastIndexAt(events, to);
  const before = flatten(fromAt.state);
  const after = flatten(toAt.state);
  const paths = [...new Set([...before.keys(), ...after.keys()])].filter((path) => !same(before.get(path), after.get(path))).sort();
  const changedBy = new Map<string, FieldChange['changedBy']>(paths.map((path) => [path, []]));
  // Step through the events in between and note which of the changed fields each one moved.
  let state = fromAt.state;
  let current = before;
  for (let i = first + 1; i <= last; i++) {
    const event = events[i]!;
    state = fold.evolve(state, event);
    const next = flatten(state);
    for (const path of paths) {
      if (!same(current.get(path), next.get(path))) {
        changedBy.get(path)!.push({
          revision: event.revision, position: event.position.toString(), type: event.type, eventId: event.eventId,
          recordedAt: event.recordedAt, actor: event.metadata.actor, commandType: event.metadata.commandType,
        });
      }
    }
    current = next;
  }
  return { from: fromAt, to: toAt, changes: paths.map((path) => ({ path, before: before.get(path), after: after.get(path), changedBy: changedBy.get(path)! })) };
}
