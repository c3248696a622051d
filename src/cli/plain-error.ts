// Every failure of the CLI as one sentence (never a stack trace): its own CliErrors as they are,
// file system errors naming the file and what is wrong, anything else by its message.
import { CliError } from './cli-error.js';

const FILE_PROBLEMS: Record<string, string> = {
  ENOENT: 'does not exist',
  EACCES: 'may not be read or written by this user',
  EPERM: 'may not be read or written by this user',
  EEXIST: 'exists already (nothing is overwritten): choose another name',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'has a part that is not a folder',
  ENOSPC: 'cannot be written: the disk is full',
};

export function plainCliError(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  const { code, path, message } = error as { code?: string; path?: string; message?: string };
  if (code !== undefined && path !== undefined && FILE_PROBLEMS[code] !== undefined) return { message: `${path} ${FILE_PROBLEMS[code]}.`, exitCode: 2 };
  const firstLine = (message ?? String(error)).split('\n')[0];
  return { message: `${firstLine} (unexpected: please report it with the command you ran)`, exitCode: 2 };
}
