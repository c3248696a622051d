import type { Actor } from '../eventstore/event-store.port.js';

/** Who asks, for the rules about oneself (a user id, or a system actor's name). */
export const requestedBy = (actor: Actor) => ('userId' in actor ? actor.userId : `system:${actor.system}`);
