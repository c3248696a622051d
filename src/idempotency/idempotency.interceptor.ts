// Idempotency-Key on command routes: same key and same request -> the same answer and nothing
// new; same key and a different request -> 409. The first answer is stored and replayed; the
// key also fixes the command id, and through it the event ids, so two identical requests
// racing each other (before either has an answer stored) still record the command once.
import { createHash } from 'node:crypto';
import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { defer, from, lastValueFrom, type Observable } from 'rxjs';
import { v5 as uuidv5 } from 'uuid';
import { canonicalJson } from '../eventstore/canonical-json.js';
import { ProblemException } from '../http/problem.js';
import { IDEMPOTENCY_STORE, type IdempotencyStore } from './idempotency-store.port.js';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const COMMAND_ID_NAMESPACE = 'b6a3c1de-8d1e-4a57-9d0b-6c0f1c3e2a44';

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(@Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const key = request.headers['idempotency-key'];
    if (key === undefined) return next.handle();
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      throw new ProblemException(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1-255 visible ASCII characters');
    }
    return from(this.run(request, key, next));
  }

  private async run(request: FastifyRequest, key: string, next: CallHandler): Promise<unknown> {
    const scope = 'userId' in request.actor ? `user:${request.actor.userId}` : `system:${request.actor.system}`;
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.url}\n${canonicalJson(request.body ?? null) ?? ''}`)
      .digest('hex');
    const reservation = await this.store.reserve(scope, key, fingerprint);
    if (reservation.kind === 'mismatch') {
      throw new ProblemException(409, 'idempotency_key_reused', 'This Idempotency-Key was already used with a different request');
    }
    if (reservation.kind === 'repeat' && reservation.answer !== undefined) return reservation.answer;
    request.commandId = uuidv5(`${scope}\n${key}`, COMMAND_ID_NAMESPACE);
    let answer: unknown;
    try {
      answer = await lastValueFrom(defer(() => next.handle()));
    } catch (error) {
      // Nothing was answered under this key: let the client fix the request and reuse the key.
      await this.store.release(scope, key, fingerprint);
      throw error;
    }
    await this.store.complete(scope, key, fingerprint, answer);
    return answer;
  }
}
