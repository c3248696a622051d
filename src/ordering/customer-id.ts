// Who the customer of a request is: the authenticated user (identity decides who that is).
import type { Actor } from '../eventstore/event-store.port.js';

export const customerIdOf = (actor: Actor): string => ('userId' in actor ? actor.userId : `system:${actor.system}`);
