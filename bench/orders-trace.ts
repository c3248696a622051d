// Where an order's time goes (`orders.bench.main.js --trace`): read back from the log the bench
// just wrote. Every event carries `occurredAt` (when its command was decided, after loading the
// stream) and `recordedAt` (when its append committed), and a step's causation id names the event
// that caused it, so each hop of the flow splits into
//   delivery  the causing event's commit -> the resulting command decided (fsync of the cause,
//             the shared tail, the subscriber's batch, its queue, loading the stream)
//   append    decided -> committed (the group commit's queue)
// and POST /v1/orders splits into request sent -> OrderPlaced decided -> committed -> answered.
// The fsync of a cause is inside "delivery": subscribers see only fsynced events, and the log
// keeps no fsync time.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { quantile } from './http-load.js';

interface LoggedEvent {
  eventId: string;
  streamId: string;
  type: string;
  recordedAt: number;
  occurredAt: number;
  causationId: string | undefined;
  correlationId: string;
}

/** When a POST /v1/orders was sent and answered (Date.now(), the clock the service stamps events with). */
export interface PlacedRequest {
  orderId: string;
  sentAt: number;
  answeredAt: number;
}

export interface Spread {
  count: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
}

export interface HopFigures {
  /** `<cause type> -> <resulting type>`; saga steps end in a Fulfillment* event, relayed commands in another context's event. */
  hop: string;
  delivery: Spread;
  append: Spread;
  total: Spread;
}

export interface OrdersTrace {
  hops: HopFigures[];
  post: { decided: Spread; appended: Spread; answered: Spread };
  /** OrderPlaced committed -> ShipmentCreated committed, per order. */
  placedToShipment: Spread;
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50Ms: quantile(sorted, 0.5), p90Ms: quantile(sorted, 0.9), p99Ms: quantile(sorted, 0.99) };
}

function readLog(dataDir: string): LoggedEvent[] {
  // Read-only beside the running service (WAL: a reader never blocks the writer).
  const db = new Database(join(dataDir, 'events.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT event_id, stream_id, type, metadata, recorded_at FROM events ORDER BY position').raw().all() as [string, string, string, string, string][];
    return rows.map(([eventId, streamId, type, metadataJson, recordedAt]) => {
      const metadata = JSON.parse(metadataJson) as { occurredAt?: string; causationId?: string; correlationId: string };
      return {
        eventId, streamId, type, recordedAt: Date.parse(recordedAt), occurredAt: Date.parse(metadata.occurredAt ?? recordedAt),
        causationId: metadata.causationId, correlationId: metadata.correlationId,
      };
    });
  } finally {
    db.close();
  }
}

export function traceOrders(dataDir: string, placed: readonly PlacedRequest[]): OrdersTrace {
  const log = readLog(dataDir);
  const byId = new Map(log.map((event) => [event.eventId, event]));
  const hops = new Map<string, { delivery: number[]; append: number[]; total: number[] }>();
  for (const event of log) {
    const cause = event.causationId === undefined ? undefined : byId.get(event.causationId);
    if (cause === undefined || cause.eventId === event.eventId) continue;
    const hop = `${cause.type} -> ${event.type}`;
    const figures = hops.get(hop) ?? { delivery: [], append: [], total: [] };
    figures.delivery.push(event.occurredAt - cause.recordedAt);
    figures.append.push(event.recordedAt - event.occurredAt);
    figures.total.push(event.recordedAt - cause.recordedAt);
    hops.set(hop, figures);
  }
  const orderPlaced = new Map(log.filter((event) => event.type === 'OrderPlaced').map((event) => [event.streamId, event]));
  const decided: number[] = [];
  const appended: number[] = [];
  const answered: number[] = [];
  for (const request of placed) {
    const event = orderPlaced.get(`order-${request.orderId}`);
    if (event === undefined) continue;
    decided.push(event.occurredAt - request.sentAt);
    appended.push(event.recordedAt - event.occurredAt);
    answered.push(request.answeredAt - event.recordedAt);
  }
  const shipmentCreated = new Map(log.filter((event) => event.type === 'ShipmentCreated').map((event) => [event.correlationId, event.recordedAt]));
  const lifetimes: number[] = [];
  for (const event of orderPlaced.values()) {
    const shipped = shipmentCreated.get(event.correlationId);
    if (shipped !== undefined) lifetimes.push(shipped - event.recordedAt);
  }
  return {
    hops: [...hops].map(([hop, figures]) => ({ hop, delivery: spread(figures.delivery), append: spread(figures.append), total: spread(figures.total) }))
      .filter((figures) => figures.total.count >= placed.length / 2)
      .sort((a, b) => b.total.p50Ms - a.total.p50Ms),
    post: { decided: spread(decided), appended: spread(appended), answered: spread(answered) },
    placedToShipment: spread(lifetimes),
  };
}

const cell = (s: Spread) => `${s.p50Ms.toFixed(0).padStart(5)} ${s.p90Ms.toFixed(0).padStart(5)} ${s.p99Ms.toFixed(0).padStart(5)}`;

/** The trace as a table: p50/p90/p99 in ms of each part. */
export function formatTrace(trace: OrdersTrace): string {
  const lines = [
    `${'hop (cause -> result)'.padEnd(62)} ${'delivery p50/p90/p99'.padStart(17)} | ${'append'.padStart(17)} | ${'total'.padStart(17)}`,
    ...trace.hops.map((hop) => `${hop.hop.padEnd(62)} ${cell(hop.delivery)} | ${cell(hop.append)} | ${cell(hop.total)}   (${hop.total.count})`),
    '',
    `POST /v1/orders: sent -> OrderPlaced decided ${cell(trace.post.decided)} | decided -> committed ${cell(trace.post.appended)} | committed -> answered ${cell(trace.post.answered)}`,
    `OrderPlaced committed -> ShipmentCreated committed: ${cell(trace.placedToShipment)}`,
  ];
  return lines.join('\n');
}
