// Snapshots as the command processor uses them: a stream's folded state restored from the
// SnapshotStore (only one of the current decider version, only one that reads back whole), and a
// new one written every `decider.snapshots.every` events. Nothing here may fail a command: a snapshot that
// cannot be read or written is logged and the command folds the log as if there were none.
import { isDeepStrictEqual } from 'node:util';
import type { Decider, DomainEvent } from '../decider/decider.js';
import type { Position } from '../eventstore/event-store.port.js';
import { CommandFilter } from './command-filter.js';
import type { SnapshotStore, StoredSnapshot } from './snapshot-store.port.js';
import { snapshotVersionOf } from './snapshot-version.js';

type Folding<State> = Pick<Decider<unknown, DomainEvent, State>, 'initialState' | 'evolve' | 'snapshots'>;

export interface Snapshot<State> {
  revision: number;
  position: Position;
  /** The chain hash of the event at `revision` (metadata.hash). */
  hash: string;
  state: State;
  /** Every command recorded up to `revision`. */
  commands: CommandFilter;
}

export class StreamSnapshots {
  /** Deciders whose state did not survive a JSON round trip: never snapshotted (warned once). */
  private readonly unserialisable = new WeakSet<object>();

  constructor(
    private readonly store: SnapshotStore,
    private readonly warn: (message: string) => void,
  ) {}

  /** The stream's snapshot by this decider's current version, or undefined (none, another version, unreadable). */
  async restore<State>(decider: Folding<State>, streamId: string): Promise<Snapshot<State> | undefined> {
    let stored: StoredSnapshot | undefined;
    try {
      stored = await this.store.load(streamId);
    } catch (error) {
      this.warn(`Snapshot of ${streamId} not read (folding the log instead): ${messageOf(error)}`);
      return undefined;
    }
    if (stored === undefined || stored.version !== snapshotVersionOf(decider)) return undefined;
    try {
      const { revision, position, hash } = stored;
      if (!Number.isInteger(revision) || revision < 0 || typeof position !== 'bigint' || typeof hash !== 'string') throw new TypeError('malformed snapshot');
      return { revision, position, hash, state: JSON.parse(stored.state) as State, commands: CommandFilter.fromJson(JSON.parse(stored.commands)) };
    } catch (error) {
      this.warn(`Snapshot of ${streamId} is unreadable (folding the log instead): ${messageOf(error)}`);
      return undefined;
    }
  }

  /**
   * Writes `snapshot` in the background; the state is serialised now, so later folds do not
   * change what is written. Resolves when written or given up (never rejects).
   */
  save<State>(decider: Folding<State>, streamId: string, snapshot: Snapshot<State>): Promise<void> {
    if (this.unserialisable.has(decider)) return Promise.resolve();
    const state = JSON.stringify(snapshot.state);
    // A state with a Map, a Date or an undefined field would come back different: such a decider
    // is not snapshotted rather than restored wrong.
    if (!isDeepStrictEqual(JSON.parse(state), snapshot.state)) {
      this.unserialisable.add(decider);
      this.warn(`The state of ${streamId} does not survive JSON: its decider's streams are not snapshotted`);
      return Promise.resolve();
    }
    const stored: StoredSnapshot = {
      streamId, version: snapshotVersionOf(decider), revision: snapshot.revision, position: snapshot.position,
      hash: snapshot.hash, state, commands: JSON.stringify(snapshot.commands.toJson()),
    };
    return this.store.save(stored).catch((error: unknown) => this.warn(`Snapshot of ${streamId} not written: ${messageOf(error)}`));
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
