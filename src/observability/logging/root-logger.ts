// The service's one pino logger. JSON lines (one object per line, ISO time, level as a word) unless
// the service runs in a terminal outside production and pino-pretty is installed (a development
// dependency: production images do not have it, and get JSON whatever the terminal).
// Secrets never reach a line: the redaction paths below censor them wherever a caller passes an
// object that holds them, and the log-redaction spec checks the output of a whole session.
import { createRequire } from 'node:module';
import { pino, stdTimeFunctions, type DestinationStream, type Level, type Logger } from 'pino';
import { currentLogFields } from './log-context.js';

export interface LogSettings {
  level: Level;
  /** NODE_ENV=production: always JSON. */
  production: boolean;
}

const SECRET_KEYS = ['password', 'newPassword', 'currentPassword', 'token', 'accessToken', 'paymentToken', 'authorization', 'cookie', 'secret', 'jwtSecret'];

/** Keys censored at the top of a line's object and one or two levels down (e.g. body.password, req.headers.authorization). */
export const REDACTED_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export function createRootLogger(settings: LogSettings, destination?: DestinationStream): Logger {
  const options = {
    level: settings.level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    mixin: () => ({ ...currentLogFields() }),
  };
  if (destination !== undefined) return pino(options, destination);
  if (prettyWanted(settings)) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,context', messageFormat: '{if context}[{context}] {end}{msg}' } } });
  }
  return pino(options);
}

function prettyWanted(settings: LogSettings): boolean {
  if (settings.production || process.stdout.isTTY !== true) return false;
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    // Not installed (production dependencies only): JSON, which any terminal can show too.
    return false;
  }
}

/**
 * Start and stop lines appear whatever LOG_LEVEL says (a quieter level filters chatter, not the
 * lines that tell an operator the service is up, and on which port, or that it stopped).
 */
export function lifecycleLogger(root: Logger): Logger {
  return root.isLevelEnabled('info') ? root.child({ event: 'lifecycle' }) : root.child({ event: 'lifecycle' }, { level: 'info' });
}
