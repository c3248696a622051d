// Starts OpenTelemetry tracing when OTEL_EXPORTER_OTLP_ENDPOINT (or ..._TRACES_ENDPOINT) is set:
// spans of HTTP (server and client), Fastify's routes and hooks, the MongoDB driver, and our own
// (tracing.ts), exported over OTLP/HTTP (JSON unless OTEL_EXPORTER_OTLP_PROTOCOL says otherwise;
// the standard OTEL_* variables apply: OTEL_SERVICE_NAME, OTEL_TRACES_SAMPLER, OTEL_BSP_*...).
// Unset, nothing of the SDK is even loaded.
//
// main.ts imports this module first: instrumentations patch modules as they are loaded, so the SDK
// must start before Fastify and the MongoDB driver are. The SDK packages are CommonJS, loaded with
// require so the start is synchronous (an `await import` here would let the modules imported after
// this one load first).
import { createRequire } from 'node:module';
import { enableTracing } from './tracing.js';

type NodeSdkModule = typeof import('@opentelemetry/sdk-node');

let stop: (() => Promise<void>) | undefined;

export function tracingConfigured(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env['OTEL_EXPORTER_OTLP_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) && env['OTEL_SDK_DISABLED'] !== 'true';
}

function startTracing(): void {
  const require = createRequire(import.meta.url);
  const { NodeSDK } = require('@opentelemetry/sdk-node') as NodeSdkModule;
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { MongoDBInstrumentation } = require('@opentelemetry/instrumentation-mongodb') as typeof import('@opentelemetry/instrumentation-mongodb');
  const FastifyOtelInstrumentation = require('@fastify/otel') as typeof import('@fastify/otel').default;
  const sdk = new NodeSDK({
    serviceName: process.env['OTEL_SERVICE_NAME'] ?? 'orderstream',
    traceExporter: new OTLPTraceExporter(),
    // Traces only: metrics are Prometheus' (/metrics), logs go to stdout.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      // Probes and scrapes would be most of the traces, and tell nothing.
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => /^\/(health|metrics)(\/|\?|$)/.test(request.url ?? '') }),
      // The route and its handler; each hook as a span of its own would be noise (middie's are many).
      new FastifyOtelInstrumentation({ registerOnInitialization: true, instrumentHooks: false, ignorePaths: (route: { url: string }) => /^\/(health|metrics)/.test(route.url) }),
      new MongoDBInstrumentation({ dbStatementSerializer: () => '' }),
    ],
  });
  sdk.start();
  enableTracing();
  stop = () => sdk.shutdown();
}

/** Exports the spans still buffered; main.ts calls it on shutdown. */
export async function stopTracing(): Promise<void> {
  await stop?.();
}

if (tracingConfigured(process.env)) startTracing();
