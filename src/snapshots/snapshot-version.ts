// Which state a snapshot holds: a snapshot folded by another version of a decider's evolve must
// not be used, since its state may have another shape or other values. The version combines
//  - a hash of the decider's evolve source and its initial state, so an edit to evolve or to the
//    initial state invalidates the snapshots without anyone remembering to (the usual change), and
//  - the `snapshots.stateVersion` the decider may declare, for what the hash cannot see: a helper that evolve
//    calls, a change of an upcaster that alters what evolve is given.
// Either way a change only costs a rebuild (the next command folds the log and writes a new one);
// a build that merely recompiles evolve differently also just rebuilds.
import { createHash } from 'node:crypto';
import type { Decider, DomainEvent } from '../decider/decider.js';

type Folding = Pick<Decider<unknown, DomainEvent, unknown>, 'initialState' | 'evolve' | 'snapshots'>;

const versions = new WeakMap<object, string>();

export function snapshotVersionOf(decider: Folding): string {
  let version = versions.get(decider);
  if (version === undefined) {
    const source = createHash('sha256').update(decider.evolve.toString()).update('\n').update(JSON.stringify(decider.initialState) ?? '').digest('hex');
    version = `${decider.snapshots?.stateVersion ?? 1}-${source.slice(0, 16)}`;
    versions.set(decider, version);
  }
  return version;
}
