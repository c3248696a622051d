// Folded state of recently used streams, so a command reads only the events appended since
// (readStream from the cached revision) instead of the whole stream. Correct with any number
// of writers: the cache is a starting point, never the truth — the delta read brings it up to
// date and the append's expected revision still decides every race.
import type { Position } from '../eventstore/event-store.port.js';
import type { CommandFilter } from '../snapshots/command-filter.js';

export interface StreamView<State> {
  /** Revision of the last event folded in; -1 for a stream with no events. */
  revision: number;
  position: Position | undefined;
  state: State;
  /** The last event's revision and position of every command recorded after `snapshotRevision`. */
  commands: Map<string, { revision: number; position: Position }>;
  /** The chain hash of the last event folded in, when it was read from the log (a snapshot names it). */
  hash: string | undefined;
  /** Revision of the latest snapshot written or restored; -1 for none. */
  snapshotRevision: number;
  /** The commands recorded up to `snapshotRevision`, which `commands` leaves out. */
  earlierCommands: CommandFilter | undefined;
}

interface Entry {
  /** The decider whose evolve built the state: a stream read by another decider starts over. */
  owner: object;
  view: StreamView<unknown>;
}

export class StreamStateCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity = 10_000) {}

  get<State>(streamId: string, owner: object): StreamView<State> | undefined {
    const entry = this.entries.get(streamId);
    if (!entry || entry.owner !== owner) return undefined;
    // Map order is insertion order: re-inserting keeps the least recently used first.
    this.entries.delete(streamId);
    this.entries.set(streamId, entry);
    return entry.view as StreamView<State>;
  }

  /** Keeps the newer of the cached and the given view (concurrent commands may finish out of order). */
  remember<State>(streamId: string, owner: object, view: StreamView<State>): void {
    const current = this.entries.get(streamId);
    if (current && current.owner === owner && current.view.revision > view.revision) return;
    this.entries.delete(streamId);
    this.entries.set(streamId, { owner, view });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  forget(streamId: string): void {
    this.entries.delete(streamId);
  }
}
