// Request bodies nested deeper than any request of ours are refused before they are parsed, so no
// deep structure ever reaches the validation pipe (class-transformer walks a body recursively and
// overflows the stack on a few kilobytes of brackets). The depth is counted on the raw bytes, in one
// loop with a counter: nothing here recurses, whatever the input.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ProblemException } from './problem.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;

/** True if the JSON text opens more than `maxDepth` objects/arrays inside one another. Brackets in strings do not count. */
export function nestedDeeperThan(json: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const byte = json[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      if (++depth > maxDepth) return true;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      depth--;
    }
  }
  return false;
}

type JsonParser = (request: FastifyRequest, body: Buffer, done: (error: Error | null, body?: unknown) => void) => void;

/** Fastify's own JSON parser (prototype poisoning refused), behind the depth check. */
export function depthLimitedJsonParser(fastify: FastifyInstance, maxDepth: number): JsonParser {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  return (request, body, done) => {
    if (nestedDeeperThan(body, maxDepth)) {
      done(new ProblemException(400, 'body_too_deep', `The body nests objects or arrays more than ${maxDepth} levels deep`));
      return;
    }
    parse(request, body.toString('utf8'), done);
  };
}
