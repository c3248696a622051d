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

/** Events read from the store at a time. */
const PAGE = 1_000;

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
    if (start !== undefined) {
      const view = { ...start };
      // From a snapshot, the read starts at the snapshot's own event, to check it against the log.
      const continues = cached === undefined
        ? await this.foldPages(decider, streamId, view, start.revision, (first) => first?.revision === start.revision && first.metadata.hash === start.hash)
        : await this.foldPages(decider, streamId, view, start.revision + 1, (first) => first === undefined || first.revision === start.revision + 1);
      if (continues) return this.folded(decider, streamId, view);
      // Not the history the cache or snapshot was folded from (the stream was replaced, or the log
      // lost a tail the snapshot had seen): fold the log from the start.
      this.cache.forget(streamId);
    }
    const view = emptyView(decider);
    await this.foldPages(decider, streamId, view, 0, () => true);
    return this.folded(decider, streamId, view);
  }

  /** Where `commandId` was recorded in the stream, if it was: the answer to give a command sent again. */
  async recorded(stream: StreamView<unknown>, streamId: string, commandId: string): Promise<RecordedCommand | undefined> {
    const recent = stream.commands.get(commandId);
    if (recent || !stream.earlierCommands?.mightHold(commandId)) return recent;
    // Recorded before the snapshot, or a false "maybe" of its filter (1 in 150 to 1,000): the log knows.
    let found: RecordedCommand | undefined;
    for (let from = 0; from <= stream.snapshotRevision; from += PAGE) {
      const page = await this.store.readStream(streamId, { fromRevision: from, maxCount: Math.min(PAGE, stream.snapshotRevision + 1 - from) });
      for (const event of page) if (event.metadata.commandId === commandId) found = { revision: event.revision, position: event.position };
      if (page.length === 0) break;
    }
    return found;
  }

  private async restored<State>(decider: Decider<unknown, DomainEvent, State>, streamId: string): Promise<StreamView<State> | undefined> {
    if (this.snapshots === undefined || decider.snapshots === undefined) return undefined;
    const snapshot = await this.snapshots.restore(decider, streamId);
    if (snapshot === undefined) return undefined;
    const { revision, position, hash, state, commands } = snapshot;
    return { revision, position, hash, state, commands: new Map(), snapshotRevision: revision, earlierCommands: commands };
  }

  /**
   * Folds the events from `fromRevision` on into `view`, a page at a time (a 100k-event stream is
   * never in memory whole). False, folding nothing, when the first event read (undefined for none)
   * is not what `continues` expects; an event at the view's own revision is checked, not folded again.
   */
  private async foldPages<Event extends DomainEvent, State>(
    decider: Decider<unknown, Event, State>,
    streamId: string,
    view: StreamView<State>,
    fromRevision: number,
    continues: (first: RecordedEvent | undefined) => boolean,
  ): Promise<boolean> {
    for (let from = fromRevision; ; from += PAGE) {
      const page = await this.store.readStream(streamId, { fromRevision: from, maxCount: PAGE });
      if (from === fromRevision && !continues(page[0])) return false;
      for (const event of page) {
        if (event.revision <= view.revision) continue;
        view.state = decider.evolve(view.state, eventOf(decider, event));
        view.commands.set(event.metadata.commandId, { revision: event.revision, position: event.position });
        view.revision = event.revision;
        view.position = event.position;
        view.hash = event.metadata.hash;
      }
      if (page.length < PAGE) return true;
    }
  }

  private folded<State>(decider: Decider<unknown, DomainEvent, State>, streamId: string, view: StreamView<State>): StreamView<State> {
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
