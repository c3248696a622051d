// The read models' file is checked (SQLite's quick_check) once per version of the file, not at
// every start: on a 1M-event log the check read the whole file (~250 ms on the start's thread).
// A clean close leaves a mark beside the file, `<file>.intact`, naming the file exactly as it was
// closed (device, inode, size, modification time in nanoseconds). The next open that finds the file
// still so, with no write-ahead log beside it, skips the check; any open takes the mark away first,
// so a crash, a write by anything else, a truncation or a copy over it all mean a check again.
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';

const markOf = (file: string) => `${file}.intact`;

/** The file's identity and version as the file system tells it. */
function versionOf(file: string): string {
  const stat = statSync(file, { bigint: true });
  return JSON.stringify({ dev: String(stat.dev), ino: String(stat.ino), size: String(stat.size), mtimeNs: String(stat.mtimeNs) });
}

/**
 * Whether the file is exactly as a clean close left it (then it needs no check). Takes the mark
 * away either way: from here on the file may change, and only the next clean close vouches for it.
 */
export function takeIntactMark(file: string): boolean {
  const mark = markOf(file);
  if (!existsSync(mark)) return false;
  let intact = false;
  try {
    intact = existsSync(file) && !existsSync(`${file}-wal`) && readFileSync(mark, 'utf8') === versionOf(file);
  } finally {
    rmSync(mark, { force: true });
  }
  return intact;
}

/** After the file was closed cleanly (its write-ahead log folded in and removed): vouches for this version of it. */
export function leaveIntactMark(file: string): void {
  if (existsSync(`${file}-wal`)) return;
  writeFileSync(markOf(file), versionOf(file));
}
