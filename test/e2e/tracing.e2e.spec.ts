// Traces end to end: the built service exports its spans over OTLP/HTTP to a receiver double on
// loopback, and one placed order is followed in ONE trace from the HTTP request, through the
// command and its append, to the projections that applied its events and every step of the
// fulfilment saga (the trace context travels in the events' metadata), down to the confirmation.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type AppUnderTest, type TestUser } from '../support/app-under-test.js';
import { placeOrder, productWithStock, sleep, waitForOrder } from '../support/orders-client.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';

let receiver: OtlpReceiver;
let app: AppUnderTest;
let customer: TestUser;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // Export every 100 ms rather than every 5 s, so the test waits less.
  app = await startApp({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_SERVICE_NAME: 'orderstream-under-test' });
  customer = await app.newUser('customer');
}, 60_000);
afterAll(async () => {
  await app?.destroy();
  await receiver?.close();
});

/** The spans of one trace as a tree, one line per span, for a reader of a failure. */
function tree(spans: ReceivedSpan[]): string {
  const children = (parent: string | undefined) => spans.filter((span) => span.parentSpanId === parent || (parent === undefined && !spans.some((p) => p.spanId === span.parentSpanId)));
  const lines: string[] = [];
  const walk = (span: ReceivedSpan, depth: number) => {
    lines.push(`${'  '.repeat(depth)}${span.name}`);
    for (const child of spans.filter((one) => one.parentSpanId === span.spanId)) walk(child, depth + 1);
  };
  for (const root of children(undefined)) walk(root, 0);
  return lines.join('\n');
}

describe('one trace for a placed order', () => {
  it('spans the HTTP request, the command and its append, the projections and every saga step to the confirmation', async () => {
    const product = await productWithStock(app, 5);
    const placed = await placeOrder(app, customer, [{ productId: product.id, quantity: 2 }], { minPosition: product.position });
    expect(placed.status).toBe(201);
    const orderId = placed.body.id as string;
    await waitForOrder(app, customer.token, orderId, (order) => order.status === 'confirmed');

    // The request's server span, then everything in its trace once the confirmation has been projected.
    const requestSpan = () => receiver.spans.find((span) => span.kind === 2 && span.attributes['http.request.method'] === 'POST' && span.attributes['url.path'] === '/v1/orders');
    const traceOf = () => receiver.spans.filter((span) => span.traceId === requestSpan()?.traceId);
    const complete = () => traceOf().some((span) => span.name === 'order-details OrderConfirmed');
    for (let waited = 0; waited < 15_000 && !complete(); waited += 100) await sleep(100);
    const spans = traceOf();
    const names = spans.map((span) => span.name);
    const summary = tree(spans);
    if (process.env['PRINT_TRACE']) console.log(summary);

    expect(requestSpan()).toBeDefined();
    expect(new Set(spans.map((span) => span.service))).toEqual(new Set(['orderstream-under-test']));
    // The request (its route pattern), Fastify's span, the command with its append, the projections.
    expect(requestSpan()!.name).toBe('POST /v1/orders');
    expect(names).toEqual(expect.arrayContaining(['request', 'command PlaceOrder', 'eventstore append', 'order-details OrderPlaced', 'customer-orders OrderPlaced']));
    // The saga's steps, the payment authorization and the confirmation, all in the same trace.
    expect(names).toEqual(expect.arrayContaining([
      'saga OrderPlaced', 'command ReserveStock', 'saga StockReserved', 'command AuthorizePayment', 'payment authorization',
      'command RecordAuthorizationOutcome', 'saga PaymentAuthorized', 'command ConfirmOrder', 'order-details OrderConfirmed',
    ]));
    // One tree: every span's parent is in the trace, and the one root is the HTTP request.
    const ids = new Set(spans.map((span) => span.spanId));
    const roots = spans.filter((span) => span.parentSpanId === undefined || !ids.has(span.parentSpanId));
    expect(roots.map((span) => span.spanId)).toEqual([requestSpan()!.spanId]);
    // The command runs in the route's handler; its append recorded OrderPlaced, so what OrderPlaced
    // set off (the projections, the saga's first step) continues from that append.
    const byName = (name: string) => spans.filter((span) => span.name === name);
    const parentOf = (span: ReceivedSpan) => spans.find((one) => one.spanId === span.parentSpanId);
    const placeCommand = byName('command PlaceOrder')[0]!;
    expect(parentOf(placeCommand)?.name).toBe('handler - PlaceOrderController.place');
    const append = spans.find((span) => span.name === 'eventstore append' && span.parentSpanId === placeCommand.spanId)!;
    expect(append).toBeDefined();
    for (const name of ['saga OrderPlaced', 'order-details OrderPlaced', 'customer-orders OrderPlaced']) {
      expect(byName(name).map((span) => span.parentSpanId)).toEqual([append.spanId]);
    }
    // Only traces are exported (metrics are Prometheus', logs stdout).
    expect(new Set(receiver.paths)).toEqual(new Set(['/v1/traces']));
  }, 60_000);

  it('subscriber batches are spans of their own, linked to the traces of their events', () => {
    const batches = receiver.spans.filter((span) => span.name === 'subscription batch order-details');
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.every((span) => span.parentSpanId === undefined)).toBe(true);
    const linked = new Set(batches.flatMap((span) => span.links.map((link) => link.traceId)));
    const requestTrace = receiver.spans.find((span) => span.name === 'command PlaceOrder')!.traceId;
    expect(linked.has(requestTrace)).toBe(true);
  });
});
