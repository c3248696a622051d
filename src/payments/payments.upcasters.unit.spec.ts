// Logs written before payment tokens left the log: every reader sees their events without the token.
import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '../eventstore/event-store.port.js';
import { allUpcasters } from '../upcasters.js';
import { redactSecrets } from '../audit/redaction.js';

const v1 = (type: string, data: unknown): RecordedEvent => ({
  streamId: 's-1', revision: 0, position: 1n, eventId: 'e-1', type, schemaVersion: 1, data, recordedAt: '2026-11-01T00:00:00.000Z',
  metadata: { actor: { system: 'test' }, commandId: 'c', commandType: 'T', correlationId: 'k', causationId: 'c', occurredAt: '2026-11-01T00:00:00.000Z', prevHash: '', hash: '' },
});
const money = { amount: 100, currency: 'EUR' };

describe('events written with a payment token (v1)', () => {
  it.each([
    ['OrderPlaced', { orderId: 'o', customerId: 'c', lines: [], total: money, paymentId: 'p', shipmentId: 's', paymentToken: 'tok_ok', shippingAddress: {} }],
    ['PaymentAuthorizationRequested', { paymentId: 'p', orderId: 'o', amount: money, paymentToken: 'tok_ok' }],
    ['FulfillmentStarted', { orderId: 'o', paymentId: 'p', amount: money, paymentToken: 'tok_ok', commands: [] }],
    ['FulfillmentReservationNoted', { orderId: 'o', productId: 'x', outcome: 'reserved', commands: [{ type: 'AuthorizePayment', paymentId: 'p', orderId: 'o', amount: money, paymentToken: 'tok_ok' }] }],
  ])('%s reads as v2, without the token and otherwise unchanged', (type, data) => {
    const upcast = allUpcasters.upcast(v1(type, data));
    expect(upcast.schemaVersion).toBe(2);
    expect(allUpcasters.currentVersion(type)).toBe(2);
    expect(JSON.stringify(upcast.data)).not.toContain('tok_ok');
    expect(JSON.stringify(upcast.data)).not.toContain('paymentToken');
    const withoutToken = JSON.parse(JSON.stringify(data).replace(/,"paymentToken":"tok_ok"/g, ''));
    expect(upcast.data).toEqual(withoutToken);
  });

  it('audit views redact the stored token', () => {
    expect(redactSecrets({ data: { paymentId: 'p', paymentToken: 'tok_ok' } })).toEqual({ data: { paymentId: 'p', paymentToken: '[redacted]' } });
  });
});
