// Calls the card processor for every authorization still waiting (the payment-requests read
// model), off the saga's path: a slow processor (tok_slow) delays only its own payment. Transient
// failures are retried with back-off, and after the last try the payment is declined with
// gateway_unavailable, so no order waits forever. The outcome is recorded with a command id
// derived from the payment, so repeating the whole thing (after a crash) records it once.
// Restarts resume: the read model still lists what was not answered. The payment token is taken
// from PaymentTokens (never from the log) and forgotten once the answer is recorded; a request
// without a held token (placed before tokens left the log, or swept) is declined as
// payment_token_unavailable rather than left waiting for its deadline.
import type { CommandBus } from '@nestjs/cqrs';
import { v5 as uuidv5 } from 'uuid';
import { paymentRequestsProjection, type PendingAuthorization } from '../../../projections/payment-requests/payment-requests.projection.js';
import type { FulfillmentConfig } from '../../config/fulfillment-config.js';
import type { ReadStore } from '../../readstore/read-store.port.js';
import { PollLoop, waitAtMost } from '../../scheduling/poll-loop.js';
import { messageOf } from '../../subscriptions/event-processing-error.js';
import { gatewayKey, type AuthorizationAnswer, type PaymentGateway } from '../gateway/payment-gateway.port.js';
import { GATEWAY_BACK_OFF, retryTransient } from '../gateway/retry-transient.js';
import { PaymentCommandMessage } from '../payment-command.js';
import { inEventSpan } from '../../observability/tracing.js';
import type { PaymentTokens } from '../payment-tokens/payment-tokens.js';

const OUTCOME_NAMESPACE = '0c2b5d7e-91a4-4f38-b6f0-3e7d2a9c4b15';
/** Most processor calls in flight at once. */
const MAX_IN_FLIGHT = 64;

interface Logger {
  warn(message: string): void;
  error(message: string): void;
}

export class AuthorizationWorker {
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Answered here but maybe not yet gone from the read model: not to be called again. */
  private readonly answered = new Set<string>();
  private readonly stopping = new AbortController();
  private readonly loop: PollLoop;

  constructor(
    private readonly readStore: ReadStore,
    private readonly gateway: PaymentGateway,
    private readonly tokens: Pick<PaymentTokens, 'take' | 'forget'>,
    private readonly commands: Pick<CommandBus, 'execute'>,
    private readonly config: Pick<FulfillmentConfig, 'pollIntervalMs' | 'gatewayAttempts'>,
    private readonly logger: Logger,
    /** Several instances: one of them answers the requests at a time (its lease). */
    runsHere: () => boolean = () => true,
  ) {
    this.loop = new PollLoop(() => this.poll(), { name: 'Authorization worker', intervalMs: config.pollIntervalMs, runsHere }, logger);
  }

  start(): void {
    this.loop.start();
  }

  /** The payment requests may have changed (a commit moved the read model): look now, not at the next interval. */
  wake(): void {
    this.loop.wake();
  }

  /** Stops polling; waits a little for calls in flight (a slow processor's is resumed after the restart). */
  async stop(graceMs = 1_000): Promise<void> {
    this.stopping.abort();
    await this.loop.stop();
    await waitAtMost(Promise.allSettled(this.inFlight.values()), graceMs);
  }

  /** One look at the to-do list; starts a call for each request not already being handled. */
  private async poll(): Promise<void> {
    const collection = paymentRequestsProjection.collection.name;
    const pending = await this.readStore.find<PendingAuthorization>(collection, {}, { sort: { _position: 1 }, limit: MAX_IN_FLIGHT * 2 });
    const stillPending = new Set(pending.map((request) => request._id));
    for (const id of this.answered) if (!stillPending.has(id)) this.answered.delete(id);
    for (const request of pending) {
      if (this.inFlight.size >= MAX_IN_FLIGHT || this.stopping.signal.aborted) break;
      if (this.inFlight.has(request._id) || this.answered.has(request._id)) continue;
      const work = inEventSpan('payment authorization', { type: 'PaymentAuthorizationRequested', eventId: request.requestEventId, metadata: { ...(request.traceparent === undefined ? {} : { traceparent: request.traceparent }) } }, () => this.authorize(request))
        .finally(() => this.inFlight.delete(request._id));
      this.inFlight.set(request._id, work);
    }
  }

  private async authorize(request: PendingAuthorization): Promise<void> {
    const paymentId = request._id;
    const answer = await this.askProcessor(request);
    if (answer === undefined) return; // stopping: resumed after the restart
    const outcome = answer.status === 'authorized'
      ? { status: 'authorized' as const, authorizationCode: answer.authorizationCode }
      : { status: 'declined' as const, reason: answer.reason };
    try {
      await this.commands.execute(new PaymentCommandMessage({ type: 'RecordAuthorizationOutcome', paymentId, outcome }, {
        commandId: uuidv5(`${paymentId}/authorization-outcome`, OUTCOME_NAMESPACE),
        correlationId: request.correlationId,
        causationId: request.requestEventId,
        actor: { system: 'payment-authorization' },
      }));
      this.answered.add(paymentId);
      await this.tokens.forget(paymentId);
    } catch (error) {
      // Left in the read model: the next poll tries again.
      this.logger.error(`Payment ${paymentId}: could not record the processor's answer: ${messageOf(error)}`);
    }
  }

  /** The processor's answer; undefined when stopping. */
  private async askProcessor(request: PendingAuthorization): Promise<AuthorizationAnswer | undefined> {
    const paymentId = request._id;
    const paymentToken = await this.tokens.take(paymentId);
    if (paymentToken === undefined) {
      this.logger.warn(`Payment ${paymentId}: no payment token is held for it; declining it`);
      return { status: 'declined', reason: 'payment_token_unavailable' };
    }
    try {
      return await retryTransient(
        () => this.gateway.authorize({ idempotencyKey: gatewayKey(paymentId, 'authorize'), paymentToken, amount: request.amount }),
        this.config.gatewayAttempts,
        GATEWAY_BACK_OFF,
        this.stopping.signal,
      );
    } catch (error) {
      if (this.stopping.signal.aborted) return undefined;
      this.logger.warn(`Payment ${paymentId}: the processor failed ${this.config.gatewayAttempts} times (${messageOf(error)}); declining it`);
      return { status: 'declined', reason: 'gateway_unavailable' };
    }
  }
}
