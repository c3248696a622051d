// Compiles (tsc -p tsconfig.build.json) only when dist/ is missing or older than a source: the
// first `npm start` or `npx orderstream` after a clone or a change builds, the next ones start at
// once. Plain JavaScript, so it runs before anything is compiled. `npm run build` writes the stamp
// this compares with (dist/.build-stamp), after a build that succeeded.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = join(ROOT, 'dist', '.build-stamp');
const SOURCES = ['src', 'projections', 'bench'];
/** The audit console (vite builds it): every file under it counts. */
const CONSOLE = 'console';
const CONFIGS = ['tsconfig.json', 'tsconfig.build.json'];

/** The newest modification time of anything the build reads (specs are not built). */
function newestSource() {
  let newest = Math.max(...CONFIGS.map((file) => statSync(join(ROOT, file)).mtimeMs));
  const walk = (dir, counts) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(path, counts);
      } else if (counts(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of SOURCES) if (existsSync(join(ROOT, dir))) walk(join(ROOT, dir), (name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'));
  if (existsSync(join(ROOT, CONSOLE))) walk(join(ROOT, CONSOLE), (name) => !name.endsWith('.spec.ts'));
  return newest;
}

export function isStale() {
  return !existsSync(STAMP) || statSync(STAMP).mtimeMs < newestSource();
}

function typeScriptInstalled() {
  try {
    createRequire(import.meta.url).resolve('typescript/bin/tsc');
    return true;
  } catch {
    return false;
  }
}

/** Builds when stale (saying so on stderr, so a command's output stays clean); exits with a sentence if it cannot. */
export function buildIfStale() {
  if (!isStale()) return;
  if (!typeScriptInstalled()) {
    console.error('orderstream: dist/ is missing or older than the sources, and TypeScript is not installed to build it: run npm ci, then npm run build.');
    process.exit(1);
  }
  console.error('orderstream: building first (dist/ is missing or older than the sources)...');
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (build.status !== 0) {
    console.error('orderstream: the build failed (its errors are above); nothing was started.');
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildIfStale();
