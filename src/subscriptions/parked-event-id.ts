// A parked event's id in the admin API: `<subscriber>:<position>` (the pair that keys it in the
// read store), readable in logs and URLs, e.g. `product-details@v1:42`.
import type { Position } from '../eventstore/event-store.port.js';
import { ProblemException } from '../http/problem.js';

const PARKED_ID = /^(.{1,200}):(\d{1,19})$/s;

export const parkedEventId = (subscriber: string, position: Position): string => `${subscriber}:${position}`;

export function parseParkedEventId(raw: string): { subscriber: string; position: Position } {
  const match = PARKED_ID.exec(raw);
  if (!match) throw new ProblemException(400, 'invalid_id', 'A parked event id is <subscriber>:<position>, as GET /v1/admin/parked-events lists it');
  return { subscriber: match[1]!, position: BigInt(match[2]!) };
}
