// Fires payment deadlines: watches the payment-deadlines read model (durable, restored after a
// restart) and, when the injectable clock says one is due, tells the saga, which answers it
// through CommandProcessor like any trigger. The saga ignores a deadline whose payment already
// arrived. Polling keeps it simple and restart-proof; deadlines are minutes long, so a poll
// interval of a fraction of a second is precise enough.
import { v5 as uuidv5 } from 'uuid';
import { paymentDeadlinesProjection, type PendingDeadline } from '../../projections/payment-deadlines/payment-deadlines.projection.js';
import type { Clock } from '../clock/clock.js';
import type { ReadStore } from '../readstore/read-store.port.js';
import { PollLoop } from '../scheduling/poll-loop.js';
import type { FulfillmentSaga } from './fulfillment-saga.js';

const DEADLINE_NAMESPACE = 'a7c3e9f1-2b64-4d08-9e5a-c1f7b3d8e260';

interface Logger {
  error(message: string): void;
}

export class PaymentDeadlineScheduler {
  private readonly loop: PollLoop;
  /** Told to the saga, maybe not yet gone from the read model. */
  private readonly fired = new Set<string>();

  constructor(
    private readonly readStore: ReadStore,
    private readonly saga: Pick<FulfillmentSaga, 'answer'>,
    private readonly clock: Clock,
    pollIntervalMs: number,
    logger: Logger,
    /** Several instances: one of them fires deadlines at a time (its lease). */
    runsHere: () => boolean = () => true,
  ) {
    this.loop = new PollLoop(() => this.fireDue(), { name: 'Payment deadline scheduler', intervalMs: pollIntervalMs, runsHere }, logger);
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Fires every deadline due by the clock now. */
  private async fireDue(): Promise<void> {
    const now = this.clock.now().toISOString();
    const due = await this.readStore.find<PendingDeadline>(paymentDeadlinesProjection.collection.name, { dueAt: { $lte: now } }, { sort: { dueAt: 1 }, limit: 500 });
    const dueKeys = new Set(due.map((d) => `${d._id}@${d.dueAt}`));
    for (const key of this.fired) if (!dueKeys.has(key)) this.fired.delete(key);
    for (const deadline of due) {
      const key = `${deadline._id}@${deadline.dueAt}`;
      if (this.fired.has(key)) continue;
      await this.saga.answer(
        {
          type: 'PaymentDeadlinePassed',
          data: { orderId: deadline._id, dueAt: deadline.dueAt },
          eventId: uuidv5(key, DEADLINE_NAMESPACE),
          correlationId: deadline.correlationId,
        },
        deadline.scheduledEventId,
      );
      this.fired.add(key);
    }
  }
}
