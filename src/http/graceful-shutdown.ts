// Stopping without dropping answers (SIGTERM/SIGINT, see main.ts): stop accepting connections,
// close idle keep-alive connections at once (Fastify would keep them until their keep-alive timeout,
// which holds the exit), answer every request in flight with Connection: close so its connection
// ends with it, and give up on what is still open after the grace period. Only then do the modules
// stop (stores close): Nest's own order closes them before the HTTP server, under requests in flight.
import type { Server } from 'node:http';
import type { FastifyInstance } from 'fastify';

const draining = new WeakSet<Server>();

/** Registered once by create-app.ts: answers sent while draining close their connection. */
export function closeConnectionsWhileDraining(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (_request, reply, _payload, done) => {
    if (draining.has(fastify.server)) reply.header('Connection', 'close');
    done();
  });
}

/** Drains `server`; true if every connection ended within `graceMs`, false if the rest were cut. */
export async function drainHttp(server: Server, graceMs: number): Promise<boolean> {
  draining.add(server);
  const allClosed = new Promise<boolean>((done) => server.close(() => done(true)));
  server.closeIdleConnections();
  // A connection whose last answer went out before Connection: close could be set goes idle later.
  const sweep = setInterval(() => server.closeIdleConnections(), 100);
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<boolean>((done) => (timer = setTimeout(() => done(false), graceMs)));
  try {
    const drained = await Promise.race([allClosed, graceOver]);
    if (!drained) server.closeAllConnections();
    return drained;
  } finally {
    clearInterval(sweep);
    clearTimeout(timer);
  }
}
