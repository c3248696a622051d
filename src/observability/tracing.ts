// Spans of our own (commands, appends, subscriber batches, saga steps) and the trace context that
// travels in event metadata (`traceparent`, W3C), so one trace follows an order from its HTTP
// request through the append to every subscriber and saga step it sets off, across instances.
// Off unless start-tracing.ts started the SDK (OTEL_EXPORTER_OTLP_ENDPOINT): then every helper
// here runs the work as it is, with no span, no context lookup and nothing added to events.
import { ROOT_CONTEXT, SpanStatusCode, context, propagation, trace, type Attributes, type Context, type Link, type Span } from '@opentelemetry/api';

let enabled = false;

/** Called once the SDK is registered (start-tracing.ts). */
export function enableTracing(): void {
  enabled = true;
}

export const tracingEnabled = () => enabled;

const tracer = () => trace.getTracer('orderstream');

/** Runs `work` in a span `name` (a child of `parent`, else of the active span). */
export function inSpan<T>(name: string, attributes: Attributes, work: () => Promise<T>, parent?: Context, links: Link[] = []): Promise<T> {
  if (!enabled) return work();
  return tracer().startActiveSpan(name, { attributes, links }, parent ?? context.active(), async (span) => {
    try {
      return await work();
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

function failed(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/** The active trace context as a W3C traceparent, to record in the metadata of events appended now. */
export function currentTraceparent(): string | undefined {
  if (!enabled) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier['traceparent'];
}

/** The trace context an event was recorded in (undefined for events recorded with tracing off). */
export function contextOfEvent(event: { metadata: { traceparent?: string } }): Context | undefined {
  const traceparent = event.metadata.traceparent;
  if (!enabled || traceparent === undefined) return undefined;
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}

/** Runs what an event sets off (a saga step) in a span that continues the event's trace. */
export function inEventSpan<T>(name: string, event: Omit<TracedEvent, 'position'>, work: () => Promise<T>): Promise<T> {
  if (!enabled) return work();
  return inSpan(name, { 'orderstream.event.type': event.type, 'orderstream.event.id': event.eventId }, work, contextOfEvent(event) ?? ROOT_CONTEXT);
}

/** Most per-event spans one subscriber batch opens (a batch holds up to 500 events). */
const MAX_EVENT_SPANS_PER_BATCH = 50;

/**
 * A subscriber's batch: one span for the batch, linked to the traces of its events, and for each
 * traced event of the types it applies (up to MAX_EVENT_SPANS_PER_BATCH) a span in that event's own
 * trace, so the trace of a request shows every projection that applied its events. All end when
 * the batch is committed. (Handlers such as the saga open their own spans per event they answer.)
 */
export function inBatchSpan<T>(subscriber: string, events: readonly TracedEvent[], applies: ReadonlySet<string> | undefined, work: () => Promise<T>): Promise<T> {
  if (!enabled) return work();
  const traced = events.filter((event) => applies?.has(event.type)).flatMap((event) => {
    const parent = contextOfEvent(event);
    const spanContext = parent && trace.getSpanContext(parent);
    return parent && spanContext ? [{ event, parent, spanContext }] : [];
  }).slice(0, MAX_EVENT_SPANS_PER_BATCH);
  const eventSpans = traced.map(({ event, parent }) =>
    tracer().startSpan(`${subscriber} ${event.type}`, {
      attributes: { 'orderstream.subscriber': subscriber, 'orderstream.event.id': event.eventId, 'orderstream.event.position': event.position.toString() },
    }, parent),
  );
  const links = traced.map(({ spanContext }) => ({ context: spanContext }));
  // The batch serves many requests' traces: it starts its own, linked to theirs.
  return inSpan(`subscription batch ${subscriber}`, { 'orderstream.subscriber': subscriber, 'orderstream.batch.size': events.length }, async () => {
    try {
      return await work();
    } catch (error) {
      for (const span of eventSpans) failed(span, error);
      throw error;
    } finally {
      for (const span of eventSpans) span.end();
    }
  }, ROOT_CONTEXT, links);
}

interface TracedEvent {
  type: string;
  eventId: string;
  position: bigint;
  metadata: { traceparent?: string };
}
