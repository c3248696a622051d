// One document per user for the admin views: email, roles, status. Never the password hash.
// The unique email index is a second guard: uniqueness itself comes from the stream id
// (users.decider.ts), so a violation here would mean two streams claim one email.
import { USER_EVENT_TYPES, type UserEvent } from '../../src/identity/users.decider.js';
import { type Role } from '../../src/access/roles.js';
import type { ReadDocument } from '../../src/readstore/read-store.port.js';
import type { DocumentProjection } from '../../src/projection-engine/projection.js';
import { unreachable } from '../../src/decider/decider.js';

export interface UserDocument extends ReadDocument {
  email: string;
  roles: Role[];
  disabled: boolean;
  registeredAt: string;
  /** Revision of the user's stream this document reflects (its ETag). */
  revision: number;
}

export const usersProjection: DocumentProjection<UserDocument, UserEvent> = {
  name: 'users',
  version: 1,
  collection: { name: 'users_v1', indexes: [{ fields: { email: 1 }, unique: true }] },
  eventTypes: USER_EVENT_TYPES,
  documentId: (event) => event.data.userId,
  evolve(current, event) {
    const at = { _position: Number(event.position), revision: event.revision };
    switch (event.type) {
      case 'UserRegistered': {
        const { userId, email, roles } = event.data;
        return { _id: userId, ...at, email, roles: [...roles], disabled: false, registeredAt: event.metadata.occurredAt };
      }
      case 'RoleGranted':
        return current && { ...current, ...at, roles: current.roles.includes(event.data.role) ? current.roles : [...current.roles, event.data.role] };
      case 'RoleRevoked':
        return current && { ...current, ...at, roles: current.roles.filter((role) => role !== event.data.role) };
      case 'PasswordChanged':
        return current && { ...current, ...at };
      case 'UserDisabled':
        return current && { ...current, ...at, disabled: true };
      default:
        return unreachable(event);
    }
  },
};
