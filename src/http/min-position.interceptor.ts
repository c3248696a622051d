// Read-your-writes: a query may send X-Min-Position (the `position` a command answered);
// the route then waits, bounded, until the projections it reads have reached it, else 503.
import { Inject, Injectable, SetMetadata, applyDecorators, UseInterceptors, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { from, switchMap, type Observable } from 'rxjs';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { parsePosition } from './position.js';
import { ProblemException } from './problem.js';
import { REQUEST_HEADERS, declareProblems, declareRequestHeader } from './openapi/problem-responses.js';

export interface ProjectionProgress {
  /** True once every named subscriber's checkpoint is at or past `position`; false after the timeout. */
  waitForPosition(subscribers: readonly string[], position: bigint, timeoutMs: number): Promise<boolean>;
}

export const PROJECTION_PROGRESS = Symbol('ProjectionProgress');

const READS_FROM = 'orderstream:reads-from';

/** Declares which projections a query route reads, and honours X-Min-Position for them. */
export const ReadsFrom = (...projections: string[]) =>
  applyDecorators(SetMetadata(READS_FROM, projections), UseInterceptors(MinPositionInterceptor), documentMinPosition);

const documentMinPosition: MethodDecorator = (_target, _key, descriptor) => {
  declareRequestHeader(descriptor.value as object, REQUEST_HEADERS.minPosition);
  declareProblems(descriptor.value as object, { 400: ['invalid_min_position'], 503: ['projection_behind'] });
};

@Injectable()
export class MinPositionInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(PROJECTION_PROGRESS) private readonly progress: ProjectionProgress,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers['x-min-position'];
    if (header === undefined) return next.handle();
    const position = parsePosition(header);
    if (position === undefined) {
      throw new ProblemException(400, 'invalid_min_position', 'X-Min-Position must be a position returned by a command');
    }
    const projections = this.reflector.get<string[]>(READS_FROM, context.getHandler()) ?? [];
    return from(this.progress.waitForPosition(projections, position, this.config.minPositionWaitMs)).pipe(
      switchMap((reached) => {
        if (!reached) {
          throw new ProblemException(503, 'projection_behind', `The read model has not reached position ${header} yet`, { retryAfter: 1 });
        }
        return next.handle();
      }),
    );
  }
}
