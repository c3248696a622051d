// A user's id is derived from their normalized email, which makes email uniqueness a property
// of the stream id itself: two registrations of one email target one stream, and "no stream"
// lets exactly one win (the same construction as product ids from SKUs).
import { v5 as uuidv5 } from 'uuid';

const USER_NAMESPACE = '0c8f6a52-71d3-4c1e-9b47-2e5d8a6f3b19';

/** `email` must already be normalized (users.decider.ts normalizeEmail). */
export const userIdForEmail = (normalizedEmail: string) => uuidv5(normalizedEmail, USER_NAMESPACE);
