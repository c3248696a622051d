// The SnapshotStore port: the latest folded state of a stream, kept so a command on a long stream
// reads only the events after it. A snapshot is a cache of the log, never its equal: the command
// processor checks it against the log before use and ignores one it cannot read or trust.
// The contract suite in test/contracts/snapshot-store.contract.ts is its executable definition.
import type { Position } from '../eventstore/event-store.port.js';

export interface StoredSnapshot {
  streamId: string;
  /** The state version of the decider that folded it (snapshot-version.ts); another version's snapshot is not used. */
  version: string;
  /** Revision of the last event folded in. */
  revision: number;
  position: Position;
  /**
   * The chain hash (metadata.hash) of the event at `revision`: it covers the whole stream up to
   * there, so the snapshot is used only while the log holds exactly the history it was folded from.
   */
  hash: string;
  /** The folded state, as JSON text (adapters store it as text: a state may hold keys MongoDB would refuse). */
  state: string;
  /** The command ids recorded up to `revision` (command-filter.ts), as JSON text. */
  commands: string;
}

export interface SnapshotStore {
  /** The stream's snapshot, or undefined when there is none. */
  load(streamId: string): Promise<StoredSnapshot | undefined>;
  /**
   * Keeps `snapshot` unless the stored one has the same version and a later revision (commands
   * finishing out of order). A snapshot of another version is replaced: the decider changed.
   */
  save(snapshot: StoredSnapshot): Promise<void>;
  close(): Promise<void>;
}

export const SNAPSHOT_STORE = Symbol('SnapshotStore');
