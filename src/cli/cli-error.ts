// An error the CLI explains in one line (no stack trace) and exits with `exitCode`.
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'CliError';
  }
}
