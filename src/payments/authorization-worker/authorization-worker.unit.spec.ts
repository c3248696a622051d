// The worker takes the token from PaymentTokens, never from the log; without one it declines
// (an order placed before tokens left the log) instead of letting the order wait for its deadline.
import { describe, expect, it } from '@jest/globals';
import type { ReadStore } from '../../readstore/read-store.port.js';
import { TestPaymentGateway } from '../gateway/test-payment-gateway.js';
import { AuthorizationWorker } from './authorization-worker.js';

const pending = { _id: 'pay-1', _position: 1, orderId: 'o-1', amount: { amount: 500, currency: 'EUR' }, requestEventId: 'e-1', correlationId: 'k', requestedAt: '2026-11-01T00:00:00.000Z' };

async function runOnce(heldToken: string | undefined) {
  const readStore = { find: async () => [pending] } as Pick<ReadStore, 'find'>;
  const gateway = new TestPaymentGateway({ slowMs: 0, transientFailures: 0 });
  const recorded: unknown[] = [];
  const forgotten: string[] = [];
  const tokens = { take: async () => heldToken, forget: async (paymentId: string) => void forgotten.push(paymentId) };
  const commands = { execute: async (message: { command: unknown }) => void recorded.push(message.command) };
  const silent = { warn: () => undefined, error: () => undefined };
  // Only `find` of the read store is used by the worker.
  const worker = new AuthorizationWorker(readStore as ReadStore, gateway, tokens, commands as never, { pollIntervalMs: 5, gatewayAttempts: 1 }, silent);
  worker.start();
  for (let i = 0; i < 200 && recorded.length === 0; i++) await new Promise((done) => setTimeout(done, 5));
  await worker.stop();
  return { recorded, forgotten, calls: gateway.calls };
}

describe('authorization worker and held payment tokens', () => {
  it('calls the processor with the held token, records the answer, then forgets the token', async () => {
    const { recorded, forgotten, calls } = await runOnce('tok_ok');
    expect(recorded[0]).toMatchObject({ type: 'RecordAuthorizationOutcome', paymentId: 'pay-1', outcome: { status: 'authorized' } });
    expect(calls.map((c) => c.operation)).toEqual(['authorize']);
    expect(forgotten).toContain('pay-1');
  });

  it('declines a request whose token is not held, without calling the processor', async () => {
    const { recorded, calls } = await runOnce(undefined);
    expect(recorded[0]).toMatchObject({ type: 'RecordAuthorizationOutcome', paymentId: 'pay-1', outcome: { status: 'declined', reason: 'payment_token_unavailable' } });
    expect(calls).toEqual([]);
  });
});
