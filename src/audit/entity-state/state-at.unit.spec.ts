import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '../../eventstore/event-store.port.js';
import { causationTree } from '../correlations/causation-tree.js';
import { entityFoldFor } from './entity-registry.js';
import { diffStates, stateAt } from './state-at.js';

const productId = '11111111-1111-4111-8111-111111111111';
let position = 0;
function recorded(type: string, data: object, at: string, causationId = 'request-1', eventId = `e-${position + 1}`): RecordedEvent {
  position += 1;
  return {
    streamId: `product-${productId}`, revision: position - 1, position: BigInt(position), eventId, type, schemaVersion: type === 'StockReceived' ? 2 : 1, data, recordedAt: at,
    metadata: { actor: { userId: 'u', roles: ['staff'] }, commandId: 'c', commandType: `Do${type}`, correlationId: 'k', causationId, occurredAt: at, prevHash: '', hash: '' },
  };
}

const events = [
  recorded('ProductRegistered', { productId, sku: 'A', name: 'A', price: { amount: 100, currency: 'EUR' } }, '2026-11-01T10:00:00.000Z'),
  recorded('StockReceived', { productId, quantity: 5, deliveryReference: 'PO' }, '2026-11-02T10:00:00.000Z'),
  recorded('PriceChanged', { productId, price: { amount: 150, currency: 'EUR' }, previousPrice: { amount: 100, currency: 'EUR' } }, '2026-11-03T10:00:00.000Z', 'e-2'),
  recorded('StockReceived', { productId, quantity: 2, deliveryReference: 'PO-2' }, '2026-11-04T10:00:00.000Z'),
];
const fold = entityFoldFor(`product-${productId}`)!;

describe('state at a moment', () => {
  it('folds up to a revision or a time and says which revision it reflects', () => {
    expect(stateAt(fold, events, { revision: 1 })).toMatchObject({ revision: 1, state: { onHand: 5, price: { amount: 100 } } });
    expect(stateAt(fold, events, { at: '2026-11-03T12:00:00.000Z' })).toMatchObject({ revision: 2, state: { onHand: 5, price: { amount: 150 } } });
    expect(stateAt(fold, events, { at: '2026-10-01T00:00:00.000Z' })).toMatchObject({ revision: null, state: { status: 'unregistered' } });
  });

  it('diffs two moments field by field, naming every event that moved each field', () => {
    const diff = diffStates(fold, events, { revision: 0 }, { revision: 3 });
    expect(diff.changes.map((c) => [c.path, c.before, c.after, c.changedBy.map((e) => e.revision)])).toEqual([
      ['onHand', 0, 7, [1, 3]],
      ['price.amount', 100, 150, [2]],
    ]);
  });
});

describe('causation tree', () => {
  it('hangs each event under the event that caused it, and roots under their request', () => {
    const tree = causationTree(events);
    expect(tree.map((cause) => [cause.causationId, cause.children.map((n) => n.eventId)])).toEqual([['request-1', ['e-1', 'e-2', 'e-4']]]);
    expect(tree[0]!.children[1]!.children.map((n) => n.eventId)).toEqual(['e-3']);
  });
});
