// The saga's backlog, as an operator alerts on it: orders the saga has not settled yet (placed, neither
// confirmed nor cancelled: stock being reserved, payment awaited) and how long the oldest has waited.
// Read from the customer-orders read model at each scrape, so it is right after a restart too.
import { Gauge } from 'prom-client';
import { customerOrdersProjection, type CustomerOrder } from '../../projections/customer-orders/customer-orders.projection.js';
import type { Clock } from '../clock/clock.js';
import { metricOnce } from '../observability/metric-registry.js';
import type { ReadStore } from '../readstore/read-store.port.js';

let source: { readStore: ReadStore; clock: Clock } | undefined;

const UNSETTLED = { status: 'placed' };

metricOnce('orderstream_saga_backlog_orders', () => new Gauge({
  name: 'orderstream_saga_backlog_orders',
  help: 'Orders the fulfilment saga has not settled yet (placed: neither confirmed nor cancelled)',
  async collect() {
    if (source) this.set(await source.readStore.count(customerOrdersProjection.collection.name, UNSETTLED));
  },
}));

metricOnce('orderstream_saga_backlog_oldest_age_seconds', () => new Gauge({
  name: 'orderstream_saga_backlog_oldest_age_seconds',
  help: 'Age of the oldest order the fulfilment saga has not settled (0 when none)',
  async collect() {
    if (!source) return;
    const [oldest] = await source.readStore.find<CustomerOrder>(customerOrdersProjection.collection.name, UNSETTLED, { sort: { placedPosition: 1 }, limit: 1 });
    this.set(oldest ? Math.max(0, (source.clock.now().getTime() - Date.parse(oldest.placedAt)) / 1000) : 0);
  },
}));

/** The stores the gauges read from; the latest application built in the process wins. */
export function reportSagaBacklog(readStore: ReadStore, clock: Clock): void {
  source = { readStore, clock };
}
