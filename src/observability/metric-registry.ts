// Metrics live in prom-client's default registry, which GET /metrics serves. One process may build
// the application more than once (the int tests do), so a metric is created once and found again
// by its name after that.
import { register, type Metric } from 'prom-client';

export function metricOnce<M extends Metric>(name: string, create: () => M): M {
  return (register.getSingleMetric(name) as M | undefined) ?? create();
}
