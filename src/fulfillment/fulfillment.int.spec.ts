// The saga with its command relay, the authorization worker and the deadline scheduler, over
// the real embedded stores (the whole application, without HTTP), with a controllable clock
// and a payment processor whose slow answers the test releases by hand.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../test/support/manual-clock.js';
import { Global, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CLOCK, systemClock } from '../clock/clock.js';
import { CommandProcessor } from '../command-handling/command-processor.js';
import { EventStoreModule } from '../eventstore/event-store.module.js';
import { allUpcasters } from '../upcasters.js';
import { IdempotencyModule } from '../idempotency/idempotency.module.js';
import { InventoryModule } from '../inventory/inventory.module.js';
import { OrderingModule } from '../ordering/ordering.module.js';
import { PaymentsModule } from '../payments/payments.module.js';
import { ReadStoreModule } from '../readstore/read-store.module.js';
import { ShippingModule } from '../shipping/shipping.module.js';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module.js';
import { LeasesModule } from '../leases/leases.module.js';
import { ProjectionEngineModule } from '../projection-engine/projection-engine.module.js';
import { LogReadPolicy } from '../access/log-read-policy.js';
import { LogWalkTurns } from '../http/log-walk-turns.js';
import { allProjections } from '../../projections/index.js';
import { FULFILLMENT_EVENT_HANDLERS, FulfillmentModule } from './fulfillment.module.js';
import type { CommandMetadata } from '../command-handling/command-metadata.js';
import { APP_CONFIG, loadConfig, type AppConfig } from '../config/app-config.js';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../eventstore/event-store.port.js';
import { InventoryCommandMessage } from '../inventory/inventory-command.js';
import { RegisterProductCommand } from '../inventory/register-product/register-product.command.js';
import { productIdForSku } from '../inventory/product-id.js';
import { OrderCommandMessage } from '../ordering/order-command.js';
import { orderIdFor } from '../ordering/order-ids.js';
import { PlaceOrderCommand } from '../ordering/place-order/place-order.command.js';
import { PAYMENT_GATEWAY, type PaymentGateway } from '../payments/gateway/payment-gateway.port.js';
import { TestPaymentGateway } from '../payments/gateway/test-payment-gateway.js';
import { SubscriptionRunner } from '../subscriptions/subscription-runner.js';
import { DispatchShipmentCommand } from '../shipping/dispatch-shipment/dispatch-shipment.command.js';
import { ShipmentCommandMessage } from '../shipping/shipment-command.js';
import { CredentialStoreModule } from '../credentialstore/credential-store.module.js';
import { CREDENTIAL_STORE, type CredentialStore } from '../credentialstore/credential-store.port.js';
import { RAW_EVENT_STORE } from '../eventstore/upcasting/upcasting-event-store.js';
import { paymentTokenSubject } from '../payments/payment-tokens/payment-tokens.js';

const DEADLINE_MS = 15 * 60_000;
const address = { name: 'Ada', line1: '1 Main St', postalCode: '10115', city: 'Berlin', country: 'DE' };

/** tok_slow answers only when the test says so; everything else as the test processor does. */
class HeldGateway extends TestPaymentGateway {
  private release!: () => void;
  private readonly held = new Promise<void>((done) => (this.release = done));
  constructor() {
    super({ slowMs: 0, transientFailures: 2 });
  }
  override async authorize(request: Parameters<PaymentGateway['authorize']>[0]) {
    if (request.paymentToken === 'tok_slow') await this.held;
    return super.authorize(request);
  }
  answerSlowOnes(): void {
    this.release();
  }
}

/** The application without HTTP and identity: the stores, the subscriptions and the four contexts. */
function fulfillmentApp(config: AppConfig) {
  @Global()
  @Module({
    // The projection engine's analysts' API also asks who may read what, and whose turn a replay is.
    providers: [{ provide: APP_CONFIG, useValue: config }, { provide: CLOCK, useValue: systemClock }, CommandProcessor, { provide: LogReadPolicy, useValue: new LogReadPolicy([]) }, LogWalkTurns],
    exports: [APP_CONFIG, CLOCK, CommandProcessor, LogReadPolicy, LogWalkTurns],
  })
  class Core {}
  @Module({
    imports: [Core, CqrsModule.forRoot(), EventStoreModule.forRoot({ upcasters: allUpcasters }), ReadStoreModule, CredentialStoreModule, IdempotencyModule, LeasesModule, SubscriptionsModule.forRoot({ eventHandlers: { imports: [FulfillmentModule], tokens: [FULFILLMENT_EVENT_HANDLERS] } }), ProjectionEngineModule.forRoot({ projections: allProjections, scratchProjections: [] }), InventoryModule, OrderingModule, PaymentsModule, ShippingModule],
  })
  class FulfillmentApp {}
  return FulfillmentApp;
}

let dir: string;
let module: TestingModule;
let clock: ManualClock;
let gateway: HeldGateway;
let commands: CommandBus;
let store: EventStore;

const meta = (actor: CommandMetadata['actor'] = { userId: 'customer-1', roles: ['customer'] }): CommandMetadata => ({
  commandId: randomUUID(), correlationId: 'corr-int-1', causationId: 'test', actor,
});
const staff = { userId: 'staff-1', roles: ['staff'] };

async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 10));
  }
}

const streamHas = (streamId: string, type: string) =>
  eventually(async () => (await store.readStream(streamId)).find((e) => e.type === type), `${type} in ${streamId}`);

async function product(sku: string, quantity: number): Promise<string> {
  const productId = productIdForSku(sku);
  await commands.execute(new RegisterProductCommand({ sku, name: sku, price: { amount: 1500, currency: 'EUR' } }, meta(staff)));
  const { position } = await commands.execute(new InventoryCommandMessage({ type: 'ReceiveStock', productId, quantity, reference: 'PO-1' }, meta(staff)));
  expect(await module.get(SubscriptionRunner).waitForPosition(['product-details'], position, 5_000)).toBe(true);
  return productId;
}

async function place(productId: string, paymentToken: string): Promise<{ orderId: string; placed: RecordedEvent }> {
  const metadata = meta();
  const orderId = orderIdFor(metadata.commandId);
  await commands.execute(new PlaceOrderCommand({ lines: [{ productId, quantity: 2 }], paymentToken, shippingAddress: address }, metadata));
  const [placed] = await store.readStream(`order-${orderId}`);
  return { orderId, placed: placed! };
}

async function startApp(pollMs: number): Promise<void> {
  const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'error', JWT_SECRET: 'orderstream-int-secret-0123456789-0123456789', PAYMENT_DEADLINE_MS: String(DEADLINE_MS), FULFILLMENT_POLL_MS: String(pollMs) });
  module = await Test.createTestingModule({ imports: [fulfillmentApp(config)] })
    .overrideProvider(CLOCK).useValue(clock)
    .overrideProvider(PAYMENT_GATEWAY).useValue(gateway)
    .compile();
  module.useLogger(false);
  await module.init();
  commands = module.get(CommandBus);
  store = module.get(EVENT_STORE);
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orderstream-fulfillment-'));
  clock = new ManualClock();
  gateway = new HeldGateway();
  await startApp(10);
});
afterEach(async () => {
  gateway.answerSlowOnes();
  await module.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('order fulfillment over the embedded stores', () => {
  it('runs an order to delivery; every step names its cause and carries the order correlation', async () => {
    const productId = await product('INT-MUG', 5);
    const { orderId, placed } = await place(productId, 'tok_error');
    const shipmentId = (placed.data as { shipmentId: string }).shipmentId;
    await streamHas(`shipment-${shipmentId}`, 'ShipmentCreated');
    await commands.execute(new DispatchShipmentCommand(shipmentId, 'TRACK-9', meta(staff)));
    await streamHas(`fulfillment-${orderId}`, 'FulfillmentOrderNoted');
    await commands.execute(new ShipmentCommandMessage({ type: 'DeliverShipment', shipmentId }, meta(staff)));
    await streamHas(`order-${orderId}`, 'OrderDelivered');
    await streamHas(`fulfillment-${orderId}`, 'FulfillmentCompleted');

    const all = await store.readAll();
    const byId = new Map(all.map((e) => [e.eventId, e]));
    const sagaSent = all.filter((e) => 'system' in e.metadata.actor && e.metadata.actor.system === 'order-fulfillment' && !e.streamId.startsWith('fulfillment-'));
    expect(sagaSent.map((e) => e.type)).toEqual(expect.arrayContaining([
      'StockReserved', 'PaymentAuthorizationRequested', 'OrderConfirmed', 'PaymentCaptured', 'ShipmentCreated', 'ReservedStockShipped', 'OrderDelivered',
    ]));
    for (const event of sagaSent) {
      expect(event.metadata.correlationId).toBe('corr-int-1');
      expect(byId.has(event.metadata.causationId)).toBe(true); // caused by an event in the log
    }
    expect(byId.get(sagaSent.find((e) => e.type === 'StockReserved')!.metadata.causationId)!.type).toBe('OrderPlaced');
    expect(byId.get(sagaSent.find((e) => e.type === 'OrderConfirmed')!.metadata.causationId)!.type).toBe('PaymentAuthorized');
    // tok_error: the worker retried the processor and recorded one answer.
    expect(gateway.calls.filter((c) => c.operation === 'authorize')).toHaveLength(3);
    const productEvents = await store.readStream(`product-${productId}`);
    expect(productEvents.filter((e) => e.type === 'ReservedStockShipped')).toHaveLength(1);

    // The token reached the processor (three calls above) but no stored event, and it was forgotten once answered.
    const stored = JSON.stringify((await module.get<EventStore>(RAW_EVENT_STORE).readAll()).map(({ type, data, metadata }) => ({ type, data, metadata })));
    expect(stored).toContain('PaymentAuthorizationRequested');
    expect(stored).not.toContain('tok_error');
    expect(stored).not.toContain('paymentToken');
    const paymentId = (placed.data as { paymentId: string }).paymentId;
    await eventually(async () => ((await module.get<CredentialStore>(CREDENTIAL_STORE).get(paymentTokenSubject(paymentId), 'token')) === undefined ? true : undefined), 'the token forgotten');
  });

  it('cancels at the deadline by the clock, releases the stock and voids the late authorization', async () => {
    const productId = await product('INT-CUP', 5);
    const { orderId, placed } = await place(productId, 'tok_slow');
    const paymentId = (placed.data as { paymentId: string }).paymentId;
    const scheduled = await streamHas(`fulfillment-${orderId}`, 'PaymentDeadlineScheduled');
    expect(scheduled.data).toMatchObject({ dueAt: new Date(clock.now().getTime() + DEADLINE_MS).toISOString() });

    clock.advance(DEADLINE_MS - 1);
    await new Promise((done) => setTimeout(done, 100));
    expect((await store.readStream(`order-${orderId}`)).map((e) => e.type)).toEqual(['OrderPlaced']);

    clock.advance(1);
    const cancelled = await streamHas(`order-${orderId}`, 'OrderCancelled');
    expect(cancelled.data).toMatchObject({ reason: 'payment_timeout' });
    expect(cancelled.metadata.causationId).toBe(scheduled.eventId); // the deadline's cause: the event that armed it
    await streamHas(`product-${productId}`, 'StockReleased');

    gateway.answerSlowOnes();
    await streamHas(`payment-${paymentId}`, 'PaymentVoided');
    await streamHas(`fulfillment-${orderId}`, 'FulfillmentCompleted');
    const payment = (await store.readStream(`payment-${paymentId}`)).map((e) => e.type);
    expect(payment).toEqual(['PaymentAuthorizationRequested', 'PaymentAuthorized', 'PaymentVoided']);
  });

  it('the authorization worker is woken by the commit that requests a payment, not by its poll interval', async () => {
    await module.close();
    await startApp(60_000); // after the first poll at start, the next would come only in a minute
    const productId = await product('INT-PLATE', 5);
    const { orderId } = await place(productId, 'tok_ok');
    await streamHas(`order-${orderId}`, 'OrderConfirmed');
  });

  it('a customer cancellation after capture refunds the payment and cancels the shipment', async () => {
    const productId = await product('INT-BOWL', 5);
    const { orderId, placed } = await place(productId, 'tok_ok');
    const { paymentId, shipmentId } = placed.data as { paymentId: string; shipmentId: string };
    await streamHas(`shipment-${shipmentId}`, 'ShipmentCreated');
    await commands.execute(new OrderCommandMessage({ type: 'CancelOrder', orderId, reason: 'customer_request', customerId: 'customer-1' }, meta()));
    await streamHas(`payment-${paymentId}`, 'PaymentRefunded');
    await streamHas(`shipment-${shipmentId}`, 'ShipmentCancelled');
    await streamHas(`product-${productId}`, 'StockReleased');
    await streamHas(`fulfillment-${orderId}`, 'FulfillmentCompleted');
    await expect(commands.execute(new DispatchShipmentCommand(shipmentId, 'TRACK-1', meta(staff)))).rejects.toMatchObject({ code: 'shipment_cancelled' });
  });
});
