// Redaction: whatever object a line is given, a secret under any of the censored keys (at the
// top, or one or two levels down, as a request's body or headers would be) never reaches the output.
import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createRootLogger } from './root-logger.js';
import { withLogContext } from './log-context.js';

function captured() {
  const chunks: string[] = [];
  const stream = new Writable({ write: (chunk: Buffer, _encoding, done) => (chunks.push(chunk.toString()), done()) });
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const secretKey = fc.constantFrom('password', 'newPassword', 'currentPassword', 'token', 'accessToken', 'paymentToken', 'authorization', 'secret');
const secret = fc.string({ minLength: 12, maxLength: 40 }).map((text) => `S3cr3t-${text}`);
const place = fc.constantFrom<'top' | 'body' | 'headers'>('top', 'body', 'headers');

describe('the root logger', () => {
  it('censors secrets under the known keys, at the top or nested in a request-like object', () => {
    fc.assert(
      fc.property(secretKey, secret, place, (key, value, where) => {
        const out = captured();
        const logger = createRootLogger({ level: 'info', production: true }, out.stream);
        const fields = where === 'top' ? { [key]: value } : where === 'body' ? { req: { body: { [key]: value } } } : { headers: { [key]: value } };
        logger.info(fields, 'a line');
        logger.flush();
        const text = JSON.stringify(out.lines());
        expect(text.includes(value)).toBe(false);
        expect(text).toContain('[redacted]');
      }),
      { numRuns: 200 },
    );
  });

  it('writes JSON lines with an ISO time, the level as a word and the ids of the context', () => {
    const out = captured();
    const logger = createRootLogger({ level: 'debug', production: true }, out.stream);
    withLogContext(() => ({ requestId: 'r-1', correlationId: 'c-1' }), () => logger.debug('inside'));
    logger.info('outside');
    const [inside, outside] = out.lines();
    expect(inside).toMatchObject({ level: 'debug', msg: 'inside', requestId: 'r-1', correlationId: 'c-1', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(outside).not.toHaveProperty('requestId');
  });

  it('honours the level: debug lines are dropped at info', () => {
    const out = captured();
    const logger = createRootLogger({ level: 'info', production: true }, out.stream);
    logger.debug('dropped');
    logger.info('kept');
    expect(out.lines().map((line) => line.msg)).toEqual(['kept']);
  });
});
