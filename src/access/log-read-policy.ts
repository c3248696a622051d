// Who may read which data of the log. Every route that serves events (history, state at a moment,
// diffs, causation trees, exports) or documents folded from them (replays) asks this policy, on top
// of its own route permission: the same caller must not get through a replay or an export what the
// query routes refuse them (an analyst reading every account's email through `users`).
//
// Each bounded context declares its kind of data as plain data (`LogData`: its stream prefixes,
// its event types and the permission of permissions.ts that reading them needs); the composition
// root hands the list here, so this room knows no context. A stream or an event type that no
// context declares is readable only by a caller who may read every declared kind (default deny).
import type { Actor, AllFilter } from '../eventstore/event-store.port.js';
import { ProblemException } from '../http/problem.js';
import { scopeFor, type PermissionName } from './permissions.js';

export interface LogData {
  /** What the data is, for refusals: "accounts", "orders"... */
  kind: string;
  streamPrefixes: readonly string[];
  eventTypes: readonly string[];
  /** Reading it needs this permission with scope 'any' (an 'own' scope would reach others' data in a log-wide read). */
  permission: PermissionName;
}

export const LOG_DATA = Symbol('LogData');

export function logDataForbidden(what: string): ProblemException {
  return new ProblemException(403, 'log_data_forbidden', `Your roles may not read ${what}`);
}

export class LogReadPolicy {
  constructor(private readonly data: readonly LogData[]) {}

  /** The declared kind a stream belongs to (the longest matching prefix). */
  private kindOfStream(streamId: string): LogData | undefined {
    let found: { data: LogData; length: number } | undefined;
    for (const data of this.data) {
      for (const prefix of data.streamPrefixes) {
        if (streamId.startsWith(prefix) && prefix.length > (found?.length ?? -1)) found = { data, length: prefix.length };
      }
    }
    return found?.data;
  }

  private holds(actor: Actor, data: LogData): boolean {
    return 'system' in actor || scopeFor(actor.roles, data.permission) === 'any';
  }

  /** True if the caller may read every kind of data, undeclared streams and types included. */
  readsEverything(actor: Actor): boolean {
    return this.data.every((data) => this.holds(actor, data));
  }

  mayReadStream(actor: Actor, streamId: string): boolean {
    const data = this.kindOfStream(streamId);
    return data === undefined ? this.readsEverything(actor) : this.holds(actor, data);
  }

  /** Throws 403 log_data_forbidden unless the caller may read the stream's events. */
  assertStream(actor: Actor, streamId: string): void {
    if (!this.mayReadStream(actor, streamId)) throw logDataForbidden(`the stream ${streamId} (${this.kindOfStream(streamId)?.kind ?? 'undeclared data'})`);
  }

  /** Throws 403 unless the caller may read every one of these event types (what a replay folds). */
  assertEventTypes(actor: Actor, eventTypes: readonly string[]): void {
    if (this.readsEverything(actor)) return;
    const readable = new Set(this.data.filter((data) => this.holds(actor, data)).flatMap((data) => data.eventTypes));
    const refused = eventTypes.filter((type) => !readable.has(type));
    if (refused.length > 0) throw logDataForbidden(`the events ${refused.slice(0, 5).join(', ')}${refused.length > 5 ? '...' : ''}`);
  }

  /**
   * The filter of a log-wide read (an export), narrowed to the streams the caller may read. A
   * prefix asked for that reaches data they may not read is refused (403), not silently dropped;
   * no prefix asked for means every kind they may read.
   */
  narrowFilter<F extends AllFilter>(actor: Actor, filter: F): F {
    if (this.readsEverything(actor)) return filter;
    const readable = this.data.filter((data) => this.holds(actor, data)).flatMap((data) => data.streamPrefixes);
    if (filter.streamPrefixes === undefined) {
      if (readable.length === 0) throw logDataForbidden('any data of the log');
      return { ...filter, streamPrefixes: [...readable] };
    }
    for (const asked of filter.streamPrefixes) {
      // Covered only if every stream the prefix can match lies inside a readable prefix.
      if (!readable.some((prefix) => asked.startsWith(prefix))) throw logDataForbidden(`every stream starting with ${asked}`);
    }
    return filter;
  }
}
