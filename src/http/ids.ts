// Ids in paths are validated by format before anything looks them up.
import { ParseUUIDPipe } from '@nestjs/common';
import { ProblemException } from './problem.js';

export const uuidParam = () =>
  new ParseUUIDPipe({ exceptionFactory: () => new ProblemException(400, 'invalid_id', 'The id in the path must be a UUID') });
