// Prometheus metrics of the subscribers, in the default registry that GET /metrics serves.
// Metrics are process-wide; getting an existing one keeps a second runner (tests, a rebuild)
// from registering the same name twice.
import { Counter, Gauge, register } from 'prom-client';
import { metricOnce } from '../observability/metric-registry.js';

type Label = 'subscriber';

function metric<M>(name: string, create: () => M): M {
  return (register.getSingleMetric(name) as M | undefined) ?? create();
}

let parkedSource: (() => Promise<{ checkpointName: string; parked: number }[]>) | undefined;

export class SubscriptionMetrics {
  readonly checkpoint = metric(
    'orderstream_subscription_checkpoint',
    () => new Gauge<Label>({ name: 'orderstream_subscription_checkpoint', help: 'Last position a subscriber has committed', labelNames: ['subscriber'] }),
  );
  readonly lag = metric(
    'orderstream_subscription_lag_events',
    () =>
      new Gauge<Label>({
        name: 'orderstream_subscription_lag_events',
        help: 'Positions between the last known head of the log and a subscriber checkpoint',
        labelNames: ['subscriber'],
      }),
  );
  readonly parked = metric(
    'orderstream_parked_events_total',
    () => new Counter<Label>({ name: 'orderstream_parked_events_total', help: 'Events parked after failing every retry', labelNames: ['subscriber'] }),
  );
  /** Parked now (the counter above counts parkings since the start), read from the store at each scrape. */
  readonly parkedNow = metricOnce('orderstream_subscription_parked_events', () => new Gauge<Label>({
    name: 'orderstream_subscription_parked_events',
    help: 'Events parked now, per subscriber (checkpoint name), waiting for a person',
    labelNames: ['subscriber'],
    async collect() {
      const status = await parkedSource?.();
      for (const { checkpointName, parked } of status ?? []) this.set({ subscriber: checkpointName }, parked);
    },
  }));

  /** Where the parked gauge reads from: the latest runner built in the process. */
  reportParkedFrom(source: () => Promise<{ checkpointName: string; parked: number }[]>): void {
    parkedSource = source;
  }

  readonly processed = metric(
    'orderstream_projection_events_total',
    () => new Counter<Label>({ name: 'orderstream_projection_events_total', help: 'Events a subscriber has processed and committed', labelNames: ['subscriber'] }),
  );
}
