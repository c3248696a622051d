// Request counts and latencies by route pattern (never by raw URL: ids would explode the labels).
import type { FastifyInstance } from 'fastify';
import { Histogram, register } from 'prom-client';

function requestDuration(): Histogram<'method' | 'route' | 'status'> {
  const existing = register.getSingleMetric('orderstream_http_request_duration_seconds');
  return (existing as Histogram<'method' | 'route' | 'status'> | undefined) ?? new Histogram({
    name: 'orderstream_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });
}

export function measureHttpRequests(fastify: FastifyInstance): void {
  const histogram = requestDuration();
  fastify.addHook('onResponse', (request, reply, done) => {
    histogram.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
