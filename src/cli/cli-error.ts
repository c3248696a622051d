// An error the CLI explains in one line (no stack trace) and exits with `exitCode`.
import { MAX_POSITION, parsePosition } from '../http/position.js';
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'CliError';
  }
}

/** A --*-position option: a position of the log (0 to 2^63-1), else a CliError naming the option. */
export function positionOption(name: string, value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  const position = parsePosition(value);
  if (position === undefined) throw new CliError(`--${name} must be a position (a whole number from 0 to ${MAX_POSITION})`);
  return position;
}

/** A --since/--until option: an ISO-8601 time, as an ISO string in UTC, else a CliError naming the option. */
export function timeOption(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new CliError(`--${name} must be an ISO-8601 time, e.g. 2026-12-01T00:00:00Z`);
  return at.toISOString();
}
