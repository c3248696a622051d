// How user events evolved. Version 1 of UserRegistered and PasswordChanged carried the password's
// scrypt hash in the log; version 2 names a credential in the credential store instead. The stored
// v1 bytes stay as they are (the hash chain covers them); every reader of EVENT_STORE sees v2, with
// the hash gone. The start-up migration (legacy-credentials.ts) copies each v1 hash into the
// credential store under the id this upcaster gives it, so both agree without a shared table.
import type { RecordedEvent } from '../eventstore/event-store.port.js';
import type { Upcaster } from '../eventstore/upcasting/upcaster.js';

/** The credential id of a v1 event's hash: derived from the event id, so stable across reads. */
export const legacyCredentialId = (event: Pick<RecordedEvent, 'eventId'>) => `legacy-${event.eventId}`;

/** The hash a v1 event carried, if it is one of the two that did. */
export function legacyPasswordHash(event: Pick<RecordedEvent, 'type' | 'schemaVersion' | 'data'>): string | undefined {
  if ((event.type !== 'UserRegistered' && event.type !== 'PasswordChanged') || event.schemaVersion !== 1) return undefined;
  const hash = (event.data as { passwordHash?: unknown } | null)?.passwordHash;
  return typeof hash === 'string' ? hash : undefined;
}

export const usersUpcasters: readonly Upcaster[] = [
  {
    type: 'UserRegistered',
    fromVersion: 1,
    upcast: (data, event) => {
      const { passwordHash: _dropped, ...rest } = data as { passwordHash?: string };
      return { ...rest, credentialId: legacyCredentialId(event) };
    },
  },
  {
    type: 'PasswordChanged',
    fromVersion: 1,
    upcast: (data, event) => {
      const { passwordHash: _dropped, ...rest } = data as { passwordHash?: string };
      return { ...rest, credentialId: legacyCredentialId(event), changedAt: event.recordedAt };
    },
  },
];
