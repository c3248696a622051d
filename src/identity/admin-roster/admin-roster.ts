// Keeps the admin roster (admin-roster.decider.ts) beside the users' streams: admissions after the
// user's event, releases before it, each through CommandProcessor on the roster stream (expected
// revision, bounded retries: the race is decided there). At start it admits the active admins of a
// log written before the roster existed, or whose admission a crash cut off (idempotent: admitted
// ones are not admitted twice). The read store keeps how far the users' streams were seeded (a
// checkpoint of its own), so a start reads only the users' events recorded since, not the whole log.
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import type { CommandMetadata } from '../../command-handling/command-metadata.js';
import { CommandProcessor } from '../../command-handling/command-processor.js';
import { eventOf, loadState } from '../../command-handling/load-state.js';
import { EVENT_STORE, type EventStore, type Position } from '../../eventstore/event-store.port.js';
import { READ_STORE, type ReadStore } from '../../readstore/read-store.port.js';
import { usersDecider, type UserState } from '../users.decider.js';
import { ADMIN_ROSTER_STREAM, adminRosterDecider } from './admin-roster.decider.js';

const ROSTER_NAMESPACE = '3c7e9a14-5b2d-4f86-a0c3-d81e6b7f2a95';
const SEED_ACTOR = { system: 'admin-roster' } as const;
const PAGE = 1000;
/**
 * The read store's checkpoint of the seed: every user event up to it has been seen by a seed that
 * then admitted every active admin. Lost (a new read-models file) or ahead of the log (a log
 * restored from an older backup), the next seed reads every user's events again: always safe.
 */
export const ROSTER_SEED_CHECKPOINT = 'admin-roster-seed';

type UserAt = { state: UserState; revision: number };

/** Whether a user state is an active admin. */
export const isActiveAdmin = (user: UserState) => user.status === 'registered' && !user.disabled && user.roles.includes('admin');

@Injectable()
export class AdminRoster implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminRoster');

  constructor(
    private readonly processor: CommandProcessor,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) private readonly readStore: Pick<ReadStore, 'getCheckpoint' | 'commit'>,
  ) {}

  /** After the event that made `userId` an active admin (their stream at `userRevision`). */
  async admit(userId: string, userRevision: number, metadata: CommandMetadata): Promise<void> {
    await this.processor.handle(adminRosterDecider, { streamId: ADMIN_ROSTER_STREAM, command: { type: 'AdmitAdmin', userId, userRevision }, metadata: rosterMetadata(metadata, 'admit') });
  }

  /**
   * Before the event that ends `userId` being an active admin, read at `userRevision`. Throws
   * DomainError last_admin (409) when they are the last; then nothing is written anywhere.
   */
  async release(userId: string, userRevision: number, metadata: CommandMetadata): Promise<void> {
    const command = { type: 'ReleaseAdmin' as const, userId, userRevision: userRevision + 1 };
    await this.processor.handle(adminRosterDecider, { streamId: ADMIN_ROSTER_STREAM, command, metadata: rosterMetadata(metadata, 'release') });
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.seed();
    } catch (error) {
      // The roster only ever counts too few: until seeded, removals of admins are refused, never wrongly allowed.
      this.logger.error(`Could not seed the admin roster from the log (${(error as Error).message}); admins of an older log may be refused removals until the next start`);
    }
  }

  /** Whether the log holds an active admin: the roster says so, or (a log older than the roster) a user's stream. */
  async hasActiveAdmin(): Promise<boolean> {
    const roster = await loadState(this.store, adminRosterDecider, ADMIN_ROSTER_STREAM);
    if (roster.admins.length > 0) return true;
    for (const { state } of (await this.usersInLog()).users.values()) if (isActiveAdmin(state)) return true;
    return false;
  }

  /**
   * Admits every active admin whose user stream changed since the last seed (at the first start,
   * every user of the log), then moves the seed's checkpoint past what it read.
   */
  async seed(): Promise<void> {
    const seededThrough = await this.seededThrough();
    // Every event up to the head as it is now is among those the read below sees.
    const head = await this.store.headPosition();
    const { users, lastPosition } = await this.usersInLog(seededThrough);
    for (const [streamId, folded] of users) {
      // Events before the checkpoint were not read: such a user is folded from their whole stream.
      const { state, revision } = seededThrough === undefined ? folded : await this.wholeUser(streamId);
      if (state.status !== 'registered' || !isActiveAdmin(state)) continue;
      const commandId = uuidv5(`seed\n${state.userId}\n${revision}`, ROSTER_NAMESPACE);
      await this.admit(state.userId, revision, { commandId, correlationId: 'admin-roster-seed', causationId: 'service-start', actor: SEED_ACTOR });
    }
    const seen = lastPosition !== undefined && (head === undefined || lastPosition > head) ? lastPosition : head;
    if (seen !== undefined && seen !== seededThrough) await this.readStore.commit({ subscriber: ROSTER_SEED_CHECKPOINT, writes: [], checkpoint: seen });
  }

  /** Where the last seed stopped; undefined to read every user's events (never seeded, or a checkpoint the log does not reach). */
  private async seededThrough(): Promise<Position | undefined> {
    const checkpoint = await this.readStore.getCheckpoint(ROSTER_SEED_CHECKPOINT);
    if (checkpoint === undefined) return undefined;
    const head = await this.store.headPosition();
    return head !== undefined && checkpoint <= head ? checkpoint : undefined;
  }

  private async wholeUser(streamId: string): Promise<UserAt> {
    const events = await this.store.readStream(streamId);
    return { state: events.reduce((state, event) => usersDecider.evolve(state, eventOf(usersDecider, event)), usersDecider.initialState), revision: events.at(-1)?.revision ?? -1 };
  }

  /** The users with events after `after` (all of them without it), folded over those events, and the last position read. */
  private async usersInLog(after?: Position): Promise<{ users: Map<string, UserAt>; lastPosition: Position | undefined }> {
    const users = new Map<string, UserAt>();
    let lastPosition: Position | undefined;
    for (;;) {
      const page = await this.store.readAll({ ...(after === undefined ? {} : { after }), maxCount: PAGE, filter: { streamPrefixes: ['user-'] } });
      for (const event of page) {
        const known = users.get(event.streamId) ?? { state: usersDecider.initialState, revision: -1 };
        users.set(event.streamId, { state: usersDecider.evolve(known.state, eventOf(usersDecider, event)), revision: event.revision });
      }
      if (page.length > 0) lastPosition = after = page.at(-1)!.position;
      if (page.length < PAGE) break;
    }
    return { users, lastPosition };
  }
}

/** The roster step of a user command: its own command id (event ids derive from it), the same actor and correlation. */
function rosterMetadata(metadata: CommandMetadata, step: string): CommandMetadata {
  return { ...metadata, commandId: uuidv5(`${step}\n${metadata.commandId}`, ROSTER_NAMESPACE), causationId: metadata.commandId };
}
