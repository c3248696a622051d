// No client-supplied key reaches a read-model query as a MongoDB operator: any key beginning with
// "$" anywhere in a body or query string is refused with 400 before a route sees the request.
// (DTO validation already refuses unknown keys and objects where scalars belong; this is the
// belt to those braces, and it covers routes whose DTOs are looser.)
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problem } from './problem.js';
import { sendProblem } from './send-problem.js';

function operatorKeyIn(value: unknown): string | undefined {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (next === null || typeof next !== 'object') continue;
    if (Array.isArray(next)) {
      pending.push(...next);
      continue;
    }
    for (const [key, nested] of Object.entries(next)) {
      // "status[$ne]" is how a bracket-parsing query string would smuggle an operator in.
      if (key.startsWith('$') || key.includes('[$')) return key;
      pending.push(nested);
    }
  }
  return undefined;
}

/**
 * Fastify preHandler hook (after body parsing, before the route), in callback style (an async hook
 * costs promises on every request): a refusal is answered here and the route never runs.
 */
export function refuseOperatorKeys(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  const key = operatorKeyIn(request.query) ?? operatorKeyIn(request.body);
  if (key !== undefined) {
    sendProblem(reply, problem(400, 'operator_not_allowed', `Keys beginning with "$" are not accepted (got "${key.slice(0, 40)}")`));
    return;
  }
  done();
}
