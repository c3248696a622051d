// Prometheus metrics of the subscribers, in the default registry that GET /metrics serves.
// Metrics are process-wide; getting an existing one keeps a second runner (tests, a rebuild)
// from registering the same name twice.
import { Counter, Gauge, register } from 'prom-client';

type Label = 'subscriber';

function metric<M>(name: string, create: () => M): M {
  return (register.getSingleMetric(name) as M | undefined) ?? create();
}

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
  readonly processed = metric(
    'orderstream_projection_events_total',
    () => new Counter<Label>({ name: 'orderstream_projection_events_total', help: 'Events a subscriber has processed and committed', labelNames: ['subscriber'] }),
  );
}
