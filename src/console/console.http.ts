// GET /console: the audit console, a single-page app over this same HTTP API (console/ holds its
// sources). Public like the OpenAPI UI: the page and its scripts hold no data; every screen asks
// the API with the signed-in user's token, and the API decides what that user sees.
import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../access/access.decorators.js';
import { NoQueryDto } from '../http/no-query.js';
import { ProblemException } from '../http/problem.js';
import type { ConsoleAsset, ConsoleAssets } from './console-assets.js';

export const CONSOLE_ASSETS = Symbol('ConsoleAssets');

/**
 * Stricter than the service-wide policy (security-defences.ts), which allows inline styles for the
 * OpenAPI UI: the console has no inline script or style at all, talks only to its own origin, and
 * is never framed.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

@ApiExcludeController()
@Controller('console')
export class ConsoleController {
  constructor(@Inject(CONSOLE_ASSETS) private readonly built: ConsoleAssets) {}

  @Get()
  @Public()
  page(@Query() _query: NoQueryDto, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Buffer | undefined {
    if (!this.built.index) throw new ProblemException(404, 'console_not_built', 'The console is built by `npm run build` (dist/console is missing)');
    // Revalidated on every load, so a new build's hashed scripts are picked up at once.
    return send(reply, this.built.index, 'no-cache', ifNoneMatch);
  }

  @Get('assets/:file')
  @Public()
  asset(@Param('file') file: string, @Query() _query: NoQueryDto, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Buffer | undefined {
    const found = this.built.assets.get(file);
    if (!found) throw new ProblemException(404, 'console_asset_not_found', 'No such file in the console');
    // The names carry a hash of the content: a file under one name never changes.
    return send(reply, found, 'public, max-age=31536000, immutable', ifNoneMatch);
  }
}

function send(reply: FastifyReply, asset: ConsoleAsset, cacheControl: string, ifNoneMatch: string | undefined): Buffer | undefined {
  reply.header('Content-Security-Policy', CONSOLE_CSP).header('Cache-Control', cacheControl).header('ETag', asset.etag);
  if (ifNoneMatch === asset.etag) {
    reply.status(304);
    return undefined;
  }
  reply.header('Content-Type', asset.contentType);
  return asset.body;
}
