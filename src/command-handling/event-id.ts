// Event ids derived from the command id: a retried command produces the same ids, so the
// event store recognises the retry and writes nothing new (EventStoreDB deduplicates by id).
import { v5 as uuidv5 } from 'uuid';

const EVENT_ID_NAMESPACE = '4f0b8a5e-3f7c-4d5a-9a55-1f0d6c2b7e90';

export function eventIdFor(commandId: string, index: number): string {
  return uuidv5(`${commandId}/${index}`, EVENT_ID_NAMESPACE);
}
