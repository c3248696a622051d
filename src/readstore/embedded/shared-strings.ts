// Documents read back at start share their repeated short strings. JSON.parse makes a new string
// for every occurrence: the correlation index of a 1M-event log names ~10k stream ids a million
// times, 60 of its 131 MB of heap. One copy of each halves that, and the start is no slower
// (less for the collector to move). Strings longer than a stream id are left alone: they rarely repeat.
import type { ReadDocument } from '../read-store.port.js';

const MAX_SHARED_LENGTH = 64;

/**
 * Parses each body; a string that occurs again (in any of them) is the same string in memory.
 * Bodies may come one at a time (a statement's rows): each is garbage as soon as it is parsed.
 */
export function parseSharingStrings(bodies: Iterable<string>): ReadDocument[] {
  const seen = new Map<string, string>();
  const shared = (text: string): string => {
    if (text.length > MAX_SHARED_LENGTH) return text;
    const first = seen.get(text);
    if (first !== undefined) return first;
    seen.set(text, text);
    return text;
  };
  const share = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const field = record[key];
      if (typeof field === 'string') record[key] = shared(field);
      else share(field);
    }
  };
  const docs: ReadDocument[] = [];
  for (const body of bodies) {
    const doc = JSON.parse(body) as ReadDocument;
    share(doc);
    docs.push(doc);
  }
  return docs;
}
