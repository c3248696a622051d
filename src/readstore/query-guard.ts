// Queries may be built from request input, so no adapter may let one run server-side
// JavaScript. mingo and MongoDB both execute these operators; refuse them before either sees them.
import type { Query } from './read-store.port.js';
import { UnsafeQueryError } from './read-store.errors.js';

const SCRIPT_OPERATORS = ['$where', '$function', '$accumulator'];

/** Throws UnsafeQueryError if any key, at any depth, begins with a script operator. */
export function assertNoScriptOperators(query: Query): void {
  const pending: unknown[] = [query];
  const seen = new Set<unknown>();
  while (pending.length > 0) {
    const value = pending.pop();
    if (seen.has(value)) continue;
    seen.add(value);
    if (Array.isArray(value)) {
      pending.push(...value);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, nested] of Object.entries(value)) {
        if (SCRIPT_OPERATORS.some((operator) => key.startsWith(operator))) {
          throw new UnsafeQueryError(`Query operator ${key} runs JavaScript and is not allowed`);
        }
        pending.push(nested);
      }
    }
  }
}
