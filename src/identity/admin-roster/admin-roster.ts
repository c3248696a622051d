// Keeps the admin roster (admin-roster.decider.ts) beside the users' streams: admissions after the
// user's event, releases before it, each through CommandProcessor on the roster stream (expected
// revision, bounded retries: the race is decided there). At start it admits the active admins of a
// log written before the roster existed (idempotent: admitted ones are not admitted twice).
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import type { CommandMetadata } from '../../command-handling/command-metadata.js';
import { CommandProcessor } from '../../command-handling/command-processor.js';
import { eventOf, loadState } from '../../command-handling/load-state.js';
import { EVENT_STORE, type EventStore, type Position } from '../../eventstore/event-store.port.js';
import { usersDecider, type UserState } from '../users.decider.js';
import { ADMIN_ROSTER_STREAM, adminRosterDecider } from './admin-roster.decider.js';

const ROSTER_NAMESPACE = '3c7e9a14-5b2d-4f86-a0c3-d81e6b7f2a95';
const SEED_ACTOR = { system: 'admin-roster' } as const;
const PAGE = 1000;

/** Whether a user state is an active admin. */
export const isActiveAdmin = (user: UserState) => user.status === 'registered' && !user.disabled && user.roles.includes('admin');

@Injectable()
export class AdminRoster implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminRoster');

  constructor(
    private readonly processor: CommandProcessor,
    @Inject(EVENT_STORE) private readonly store: EventStore,
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
    for (const { state } of (await this.usersInLog()).values()) if (isActiveAdmin(state)) return true;
    return false;
  }

  /** Admits every active admin of the log (a log older than the roster, or a crash before an admission). */
  async seed(): Promise<void> {
    const users = await this.usersInLog();
    for (const { state, revision } of users.values()) {
      if (state.status !== 'registered' || !isActiveAdmin(state)) continue;
      const commandId = uuidv5(`seed\n${state.userId}\n${revision}`, ROSTER_NAMESPACE);
      await this.admit(state.userId, revision, { commandId, correlationId: 'admin-roster-seed', causationId: 'service-start', actor: SEED_ACTOR });
    }
  }

  /** Every user of the log, folded, with their stream's revision. */
  private async usersInLog(): Promise<Map<string, { state: UserState; revision: number }>> {
    const users = new Map<string, { state: UserState; revision: number }>();
    let after: Position | undefined;
    for (;;) {
      const page = await this.store.readAll({ ...(after === undefined ? {} : { after }), maxCount: PAGE, filter: { streamPrefixes: ['user-'] } });
      for (const event of page) {
        const known = users.get(event.streamId) ?? { state: usersDecider.initialState, revision: -1 };
        users.set(event.streamId, { state: usersDecider.evolve(known.state, eventOf(usersDecider, event)), revision: event.revision });
      }
      if (page.length < PAGE) break;
      after = page.at(-1)!.position;
    }
    return users;
  }
}

/** The roster step of a user command: its own command id (event ids derive from it), the same actor and correlation. */
function rosterMetadata(metadata: CommandMetadata, step: string): CommandMetadata {
  return { ...metadata, commandId: uuidv5(`${step}\n${metadata.commandId}`, ROSTER_NAMESPACE), causationId: metadata.commandId };
}
