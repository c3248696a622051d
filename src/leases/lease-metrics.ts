// Prometheus metrics of the leases, in the default registry GET /metrics serves: which leases this
// instance holds, and every change of holder it takes part in.
import { Counter, Gauge, register } from 'prom-client';

function metric<M>(name: string, create: () => M): M {
  return (register.getSingleMetric(name) as M | undefined) ?? create();
}

export type LeaseChange = 'acquired' | 'lost' | 'handed-over';

export class LeaseMetrics {
  readonly held = metric(
    'orderstream_lease_held',
    () => new Gauge<'lease' | 'instance'>({ name: 'orderstream_lease_held', help: '1 while this instance holds the lease, else 0', labelNames: ['lease', 'instance'] }),
  );
  readonly changes = metric(
    'orderstream_lease_changes_total',
    () =>
      new Counter<'lease' | 'instance' | 'change'>({
        name: 'orderstream_lease_changes_total',
        help: 'Leases this instance acquired, lost (taken over or not renewed in time) or handed over to share the work',
        labelNames: ['lease', 'instance', 'change'],
      }),
  );
  readonly liveInstances = metric(
    'orderstream_live_instances',
    () => new Gauge({ name: 'orderstream_live_instances', help: 'Service instances whose heartbeat has not expired, as this instance last saw them' }),
  );
}
