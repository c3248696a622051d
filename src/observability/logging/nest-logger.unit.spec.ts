// Nest's Logger calls, as the code makes them, become pino lines: the context named, fields
// merged, an Error as err, Nest's (message, stack, context) error contract kept, levels honoured.
import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { createRootLogger } from './root-logger.js';
import { PinoNestLogger } from './nest-logger.js';

function logger(level: 'info' | 'debug' = 'info') {
  const chunks: string[] = [];
  const stream = new Writable({ write: (chunk: Buffer, _encoding, done) => (chunks.push(chunk.toString()), done()) });
  return { nest: new PinoNestLogger(createRootLogger({ level, production: true }, stream)), lines: () => chunks.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('PinoNestLogger', () => {
  it('writes a message with its context', () => {
    const { nest, lines } = logger();
    nest.log('Subscriber users caught up', 'Subscriptions');
    expect(lines()).toEqual([expect.objectContaining({ level: 'info', context: 'Subscriptions', msg: 'Subscriber users caught up' })]);
  });

  it('merges an object of fields, with a message after it', () => {
    const { nest, lines } = logger();
    nest.warn({ event: 'login_failed', reason: 'wrong_password' }, 'login failed', 'Login');
    expect(lines()).toEqual([expect.objectContaining({ level: 'warn', context: 'Login', event: 'login_failed', reason: 'wrong_password', msg: 'login failed' })]);
  });

  it("keeps Nest's exception handler contract: error(message, stack, context)", () => {
    const { nest, lines } = logger();
    nest.error('boom', 'Error: boom\n    at somewhere (file.js:1:1)', 'ExceptionsHandler');
    const [line] = lines();
    expect(line).toMatchObject({ level: 'error', context: 'ExceptionsHandler', msg: 'boom', err: { message: 'boom', stack: expect.stringContaining('at somewhere') } });
  });

  it('writes an Error as err', () => {
    const { nest, lines } = logger();
    nest.error(new Error('disk full'), 'Store');
    expect(lines()).toEqual([expect.objectContaining({ level: 'error', context: 'Store', msg: 'disk full', err: expect.objectContaining({ message: 'disk full' }) })]);
  });

  it('honours the level: debug and verbose are dropped at info, written at debug', () => {
    const quiet = logger('info');
    quiet.nest.debug('hidden', 'X');
    quiet.nest.verbose('hidden', 'X');
    expect(quiet.lines()).toEqual([]);
    const chatty = logger('debug');
    chatty.nest.debug('shown', 'X');
    expect(chatty.lines()).toEqual([expect.objectContaining({ level: 'debug', msg: 'shown' })]);
  });
});
