import type { FastifyReply } from 'fastify';
import { PROBLEM_CONTENT_TYPE, type Problem } from './problem.js';

export function sendProblem(reply: FastifyReply, problem: Problem): void {
  if (problem.retryAfter !== undefined) reply.header('Retry-After', String(problem.retryAfter));
  reply.status(problem.status).header('Content-Type', PROBLEM_CONTENT_TYPE).send(problem);
}
