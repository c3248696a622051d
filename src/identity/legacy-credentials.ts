// At start: the credential store is brought in line with the log.
// 1. Migration of logs written before credentials left the log: every v1 UserRegistered or
//    PasswordChanged still carries its hash (the stored bytes never change); it is copied into the
//    credential store under the id the upcaster gives that event (users.upcasters.ts), if absent.
//    Idempotent: first-wins puts, so every start, and every instance, may run it.
// 2. Sweep: a credential no event names as current (a crash between storing a hash and appending
//    its event, a registration that lost a race, a password since changed) is removed once it is
//    older than SWEEP_AFTER_MS, long past any command still in flight on another instance.
// Until it has run, the service does not listen (it runs before Nest's listen); if the stores do not
// answer, the start goes on (degraded, as /health shows) and the step retries in the background.
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, type Clock } from '../clock/clock.js';
import { CREDENTIAL_STORE, type CredentialStore } from '../credentialstore/credential-store.port.js';
import type { EventStore, Position } from '../eventstore/event-store.port.js';
import { RAW_EVENT_STORE } from '../eventstore/upcasting/upcasting-event-store.js';
import { legacyCredentialId, legacyPasswordHash } from './users.upcasters.js';

const PAGE = 1000;
const SWEEP_AFTER_MS = 60 * 60_000;
const RETRY_MS = 30_000;

@Injectable()
export class LegacyCredentials implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Credentials');
  private retry: NodeJS.Timeout | undefined;

  constructor(
    @Inject(RAW_EVENT_STORE) private readonly raw: EventStore,
    @Inject(CREDENTIAL_STORE) private readonly credentials: CredentialStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.attempt();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.retry);
  }

  private async attempt(): Promise<void> {
    try {
      const { copied, swept } = await this.run();
      if (copied > 0 || swept > 0) this.logger.log(`Credential store: ${copied} hash(es) copied from legacy events, ${swept} unused credential(s) swept`);
    } catch (error) {
      this.logger.error(`Could not bring the credential store in line with the log (${(error as Error).message}); retrying in ${RETRY_MS / 1000} s`);
      this.retry = setTimeout(() => void this.attempt(), RETRY_MS);
      this.retry.unref();
    }
  }

  /** One pass: copies legacy hashes, then sweeps credentials that no event names as current. */
  async run(): Promise<{ copied: number; swept: number }> {
    const current = new Map<string, string>();
    let copied = 0;
    let after: Position | undefined;
    for (;;) {
      const page = await this.raw.readAll({ ...(after === undefined ? {} : { after }), maxCount: PAGE, filter: { streamPrefixes: ['user-'], eventTypes: ['UserRegistered', 'PasswordChanged'] } });
      for (const event of page) {
        const userId = event.streamId.slice('user-'.length);
        const hash = legacyPasswordHash(event);
        if (hash !== undefined) {
          await this.credentials.put(userId, legacyCredentialId(event), hash, event.recordedAt);
          copied++;
          current.set(userId, legacyCredentialId(event));
        } else {
          const credentialId = (event.data as { credentialId?: unknown }).credentialId;
          if (typeof credentialId === 'string') current.set(userId, credentialId);
        }
      }
      if (page.length < PAGE) break;
      after = page.at(-1)!.position;
      await new Promise((yielded) => setImmediate(yielded));
    }
    const before = new Date(this.clock.now().getTime() - SWEEP_AFTER_MS).toISOString();
    let swept = 0;
    let subject: string | undefined;
    for (;;) {
      const subjects = await this.credentials.subjects(subject, PAGE);
      for (const one of subjects) swept += await this.credentials.sweep(one, before, current.get(one));
      if (subjects.length < PAGE) break;
      subject = subjects.at(-1);
    }
    return { copied, swept };
  }
}
