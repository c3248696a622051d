// The thread checkSourceOfTruthFileAside starts: SQLite's quick_check of one file, answered as a
// message (a DamagedFileError does not cross threads as itself).
import { parentPort, workerData } from 'node:worker_threads';
import { checkSourceOfTruthFile } from './check-source-file.js';
import { DamagedFileError } from './damaged-file.js';

const { file, what } = workerData as { file: string; what: string };
try {
  checkSourceOfTruthFile(file, what);
  parentPort!.postMessage({ sound: true });
} catch (error) {
  if (error instanceof DamagedFileError) parentPort!.postMessage({ damaged: error.detail });
  else parentPort!.postMessage({ failed: error instanceof Error ? error.message : String(error), code: (error as { code?: unknown }).code });
}
