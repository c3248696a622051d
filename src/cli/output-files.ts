// Files the CLI writes: their folder is created first (--out exports/2026-11 works in a fresh clone).
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Creates the folder `file` goes in; answers `file`. */
export function outputFile(file: string): string {
  mkdirSync(dirname(resolve(file)), { recursive: true });
  return file;
}
