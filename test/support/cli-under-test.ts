// Runs the built CLI (dist/src/cli/main.js) as its own process, with nothing of the test's environment but PATH.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

const CLI = resolve('dist/src/cli/main.js');

export function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env } }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}
