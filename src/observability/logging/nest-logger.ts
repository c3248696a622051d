// Nest's own logging (every `new Logger(context)` in the code, and Nest's start-up lines) goes to
// the root pino logger, so those lines are JSON too and carry the request's or batch's ids
// (the root logger's mixin adds them: log-context.ts).
//
// Why not nestjs-pino's LoggerService: nestjs-pino 4.6 is CommonJS and `require`s @nestjs/common,
// which Nest 12 ships as ES modules only. Node 20.19+ allows that (require of ESM), but Jest 29's
// module runtime does not, so no in-process spec could load the application. This is the part of
// nestjs-pino the service used, with its conventions: the context as `context`, an object
// argument merged into the line, an Error as `err`.
import type { LoggerService } from '@nestjs/common';
import type { Level, Logger } from 'pino';

type Argument = unknown;

export class PinoNestLogger implements LoggerService {
  constructor(private readonly root: Logger) {}

  verbose(message: Argument, ...rest: Argument[]): void {
    this.write('trace', message, rest);
  }
  debug(message: Argument, ...rest: Argument[]): void {
    this.write('debug', message, rest);
  }
  log(message: Argument, ...rest: Argument[]): void {
    this.write('info', message, rest);
  }
  warn(message: Argument, ...rest: Argument[]): void {
    this.write('warn', message, rest);
  }
  error(message: Argument, ...rest: Argument[]): void {
    // Nest's exception handlers call error(message, stack, context).
    if (typeof message === 'string' && rest.length === 2 && typeof rest[0] === 'string' && rest[0].includes('\n    at ')) {
      const err = Object.assign(new Error(message), { stack: rest[0] });
      this.root.error({ context: rest[1], err }, message);
      return;
    }
    this.write('error', message, rest);
  }
  fatal(message: Argument, ...rest: Argument[]): void {
    this.write('fatal', message, rest);
  }

  /** Nest passes the context (the Logger's name) last; a message may be a string, an object of fields, or an Error. */
  private write(level: Level, message: Argument, rest: Argument[]): void {
    if (!this.root.isLevelEnabled(level)) return;
    const context = rest.length > 0 ? rest.at(-1) : undefined;
    const texts = rest.slice(0, -1).filter((part): part is string => typeof part === 'string');
    const fields: Record<string, unknown> = context === undefined ? {} : { context };
    if (message instanceof Error) {
      this.root[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.root[level]({ ...fields, ...message }, texts.join(' ') || undefined);
    } else {
      this.root[level](fields, [String(message), ...texts].join(' '));
    }
  }
}

export function nestLoggerOver(root: Logger): LoggerService {
  return new PinoNestLogger(root);
}
