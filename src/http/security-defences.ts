// Response headers and cross-origin rules for every answer, set up once in create-app.ts.
// - Security headers: Nest 12's built-in equivalent of helmet 8 (same headers and defaults), on
//   every response including 404s and errors. The CSP also suits the OpenAPI UI at /docs
//   (scripts and styles from 'self'); upgrade-insecure-requests is left out because TLS is
//   usually terminated by a proxy, and the header would break /docs on a plain-http host.
// - CORS: only the origins in CORS_ORIGINS, matched exactly; none configured means browsers on
//   other origins cannot call the API at all. Tokens travel in the Authorization header, never
//   in cookies, so credentials mode stays off.
// - Cache-Control: no-store on every answer that does not set its own: answers carry accounts,
//   orders, audit history and exports, which no browser or proxy cache may keep. (Static assets
//   of /docs set their own.)
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '../config/app-config.js';

export function applySecurityDefences(app: NestFastifyApplication, config: AppConfig): void {
  app.getHttpAdapter().getInstance().addHook('onSend', (_request, reply, _payload, done) => {
    if (!reply.hasHeader('cache-control')) reply.header('Cache-Control', 'no-store');
    done();
  });
  app.useSecurityHeaders({
    contentSecurityPolicy: { useDefaults: true, directives: { upgradeInsecureRequests: null } },
  });
  const origins = config.security.corsOrigins;
  if (origins.length > 0) {
    app.enableCors({
      origin: origins,
      credentials: false,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match', 'X-Correlation-Id', 'X-Min-Position'],
      exposedHeaders: ['ETag', 'Location', 'Retry-After', 'X-Correlation-Id', 'X-Request-Id'],
      maxAge: 600,
    });
  }
}

/** TRUST_PROXY in the form the Fastify adapter takes (a hop count becomes proxy-addr's hop test). */
export function fastifyTrustProxy(setting: AppConfig['security']['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}
