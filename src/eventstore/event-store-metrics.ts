// What an operator watches on the write path: how long an append takes to be durable, and how
// many appends share one transaction (one fsync) in the embedded store's group commit.
import { Histogram } from 'prom-client';
import { metricOnce } from '../observability/metric-registry.js';

const appendDuration = metricOnce('orderstream_eventstore_append_duration_seconds', () => new Histogram({
  name: 'orderstream_eventstore_append_duration_seconds',
  help: 'Time from a command asking to append until its events are durable (group commit and fsync included)',
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
}));

const appendsPerFsync = metricOnce('orderstream_eventstore_appends_per_fsync', () => new Histogram({
  name: 'orderstream_eventstore_appends_per_fsync',
  help: 'Appends committed together in one transaction, and so one fsync (embedded store); _count is the number of fsyncs',
  buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
}));

export const eventStoreMetrics = {
  /** Runs the append and observes how long it took, whether it succeeded or not. */
  async timeAppend<T>(append: () => Promise<T>): Promise<T> {
    const end = appendDuration.startTimer();
    try {
      return await append();
    } finally {
      end();
    }
  },
  groupCommitted: (appends: number) => appendsPerFsync.observe(appends),
};
