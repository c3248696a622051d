// The built audit console (console/, built by `npm run build` into dist/console) held in memory:
// index.html and the hashed files under assets/. Only these exact names are served, so no request
// path ever reaches the file system.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ConsoleAsset {
  body: Buffer;
  contentType: string;
  etag: string;
}

export interface ConsoleAssets {
  index: ConsoleAsset | undefined;
  /** By file name under assets/ (Vite names them by content hash). */
  assets: ReadonlyMap<string, ConsoleAsset>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

function asset(path: string): ConsoleAsset {
  const body = readFileSync(path);
  return { body, contentType: CONTENT_TYPES[extname(path)] ?? 'application/octet-stream', etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/**
 * Where `npm run build` puts the console: dist/console. This module runs compiled from
 * dist/src/console (the service) or as source from src/console (ts-jest): two levels up is
 * dist/ in the first case and the project in the second.
 */
export function builtConsoleDir(moduleUrl: string = import.meta.url): string {
  const twoUp = fileURLToPath(new URL('../../', moduleUrl));
  return basename(twoUp) === 'dist' ? join(twoUp, 'console') : join(twoUp, 'dist', 'console');
}

export function loadConsoleAssets(dir: string): ConsoleAssets {
  const indexPath = join(dir, 'index.html');
  const assetsDir = join(dir, 'assets');
  const assets = new Map<string, ConsoleAsset>();
  if (existsSync(assetsDir)) {
    for (const name of readdirSync(assetsDir)) assets.set(name, asset(join(assetsDir, name)));
  }
  return { index: existsSync(indexPath) ? asset(indexPath) : undefined, assets };
}
