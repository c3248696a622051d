// Loading a stream for a command: its folded state and the commands recorded in it, from the
// cached fold (StreamStateCache) or a snapshot (src/snapshots) plus the events appended since.
// Neither is trusted over the log: the cache is checked to continue where the log goes on, a
// snapshot is used only while the log holds, at its revision, the very event (chain hash) it was
// folded up to; the append's expected revision still decides every race.
import type { Decider, DomainEvent } from '../decider/decider.js';
import type { EventStore, Position, RecordedEvent } from '../eventstore/event-store.port.js';
import { CommandFilter } from '../snapshots/command-filter.js';
import type { StreamSnapshots } from '../snapshots/stream-snapshots.js';
import { eventOf } from './load-state.js';
import { StreamStateCache, type StreamView } from './stream-state-cache.js';

export interface RecordedCommand {
  revision: number;
  position: Position;
}

export class StreamLoader {
  readonly cache = new StreamStateCache();

  constructor(
    private readonly store: Pick<EventStore, 'readStream'>,
    private readonly snapshots: StreamSnapshots | undefined,
  ) {}

  /** The stream's folded state: the cached fold or the snapshot, plus the events appended since. */
  async load<Event extends DomainEvent, State>(decider: Decider<unknown, Event, State>, streamId: string): Promise<StreamView<State>> {
    const cached = this.cache.get<State>(streamId, decider);
    const start = cached ?? (await this.restored(decider, streamId));
    if (start === undefined) return this.folded(decider, streamId, emptyView(decider), await this.store.readStream(streamId));
    // From a snapshot, the read starts at the snapshot's own event, to check it against the log.
    const fromSnapshot = cached === undefined;
    const delta = await this.store.readStream(streamId, { fromRevision: fromSnapshot ? start.revision : start.revision + 1 });
    const continues = fromSnapshot
      ? delta[0]?.revision === start.revision && delta[0].metadata.hash === start.hash
      : delta.length === 0 || delta[0]!.revision === start.revision + 1;
    if (!continues) {
      // Not the history the cache or snapshot was folded from (the stream was replaced, or the log
      // lost a tail the snapshot had seen): fold the log from the start.
      this.cache.forget(streamId);
      return this.folded(decider, streamId, emptyView(decider), await this.store.readStream(streamId));
    }
    return this.folded(decider, streamId, start, fromSnapshot ? delta.slice(1) : delta);
  }

  /** Where `commandId` was recorded in the stream, if it was: the answer to give a command sent again. */
  async recorded(stream: StreamView<unknown>, streamId: string, commandId: string): Promise<RecordedCommand | undefined> {
    const recent = stream.commands.get(commandId);
    if (recent || !stream.earlierCommands?.mightHold(commandId)) return recent;
    // Recorded before the snapshot, or a false "maybe" of its filter (about 1 in 1,000): the log knows.
    const earlier = await this.store.readStream(streamId, { maxCount: stream.snapshotRevision + 1 });
    const last = earlier.findLast((event) => event.metadata.commandId === commandId);
    return last && { revision: last.revision, position: last.position };
  }

  private async restored<State>(decider: Decider<unknown, DomainEvent, State>, streamId: string): Promise<StreamView<State> | undefined> {
    if (this.snapshots === undefined || decider.snapshots === undefined) return undefined;
    const snapshot = await this.snapshots.restore(decider, streamId);
    if (snapshot === undefined) return undefined;
    const { revision, position, hash, state, commands } = snapshot;
    return { revision, position, hash, state, commands: new Map(), snapshotRevision: revision, earlierCommands: commands };
  }

  private folded<Event extends DomainEvent, State>(
    decider: Decider<unknown, Event, State>,
    streamId: string,
    start: StreamView<State>,
    delta: readonly RecordedEvent[],
  ): StreamView<State> {
    const view = { ...start };
    for (const event of delta) {
      view.state = decider.evolve(view.state, eventOf(decider, event));
      view.commands.set(event.metadata.commandId, { revision: event.revision, position: event.position });
      view.revision = event.revision;
      view.position = event.position;
      view.hash = event.metadata.hash;
    }
    this.snapshotIfDue(decider, streamId, view);
    this.cache.remember(streamId, decider, view);
    return view;
  }

  /**
   * Once `snapshots.every` events were folded since the last snapshot, writes one in the background.
   * A view the processor cached after its own append does not know its last event's chain hash:
   * that one event is read back first.
   */
  private snapshotIfDue<State>(decider: Decider<unknown, DomainEvent, State>, streamId: string, view: StreamView<State>): void {
    const every = decider.snapshots?.every;
    const { snapshots } = this;
    if (snapshots === undefined || every === undefined || view.position === undefined) return;
    if (view.revision - view.snapshotRevision < every) return;
    const commands = (view.earlierCommands ?? CommandFilter.empty()).with(view.commands.keys());
    const { revision, position, state, hash } = view;
    view.snapshotRevision = revision;
    view.earlierCommands = commands;
    view.commands = new Map();
    void this.hashAt(streamId, revision, hash).then(
      (known) => (known === undefined ? undefined : snapshots.save(decider, streamId, { revision, position, hash: known, state, commands })),
      () => undefined, // no snapshot this time: the next one is due after `every` more events
    );
  }

  private async hashAt(streamId: string, revision: number, known: string | undefined): Promise<string | undefined> {
    if (known !== undefined) return known;
    const [event] = await this.store.readStream(streamId, { fromRevision: revision, maxCount: 1 });
    return event?.revision === revision ? event.metadata.hash : undefined;
  }
}

function emptyView<State>(decider: Pick<Decider<unknown, DomainEvent, State>, 'initialState'>): StreamView<State> {
  return { revision: -1, position: undefined, state: decider.initialState, commands: new Map(), hash: undefined, snapshotRevision: -1, earlierCommands: undefined };
}
