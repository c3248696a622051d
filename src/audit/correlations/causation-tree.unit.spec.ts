// A causation tree is looked up in the correlation index (projections/correlations), never by
// scanning the log (issue 10, item 7): the store below refuses to be scanned.
import { describe, expect, it } from '@jest/globals';
import type { EventStore, ReadStreamOptions, RecordedEvent } from '../../eventstore/event-store.port.js';
import type { ReadDocument } from '../../readstore/read-store.port.js';
import { CORRELATION_ID, documentsAfter, inStream, record } from '../../../test/support/projection-spec.js';
import { orderPlaced, productRegistered, stockReserved } from '../../../test/support/shop-story.js';
import { correlationsProjection } from '../../../projections/correlations/correlations.projection.js';
import { correlation } from './causation-tree.js';

const events = record([
  ...inStream('product-mug', productRegistered()),
  ...inStream('order-1', orderPlaced('order-1')),
  ...inStream('product-mug', stockReserved(2, 'order-1')),
]);

function storeOf(log: readonly RecordedEvent[]): EventStore {
  const refuse = () => Promise.reject(new Error('a correlation lookup scanned the log'));
  return {
    append: refuse, headPosition: refuse, close: refuse, readAll: refuse,
    subscribeToAll: () => { throw new Error('a correlation lookup subscribed to the log'); },
    readStream: async (streamId: string, options: ReadStreamOptions = {}) =>
      log.filter((event) => event.streamId === streamId && event.revision >= (options.fromRevision ?? 0)).slice(0, options.maxCount ?? Infinity),
  };
}

const index = {
  async findByIds<T extends ReadDocument>(_: string, ids: string[]): Promise<Map<string, T>> {
    const documents = documentsAfter(correlationsProjection, [events]) as T[];
    return new Map(documents.filter((doc) => ids.includes(doc._id)).map((doc) => [doc._id, doc]));
  },
};

describe('correlation lookup', () => {
  it('reads the events of a correlation through its index, in position order, without scanning the log', async () => {
    const view = await correlation(storeOf(events), index, CORRELATION_ID);
    expect(view.events.map((event) => [event.streamId, event.revision, event.type])).toEqual([
      ['product-mug', 0, 'ProductRegistered'], ['order-1', 0, 'OrderPlaced'], ['product-mug', 1, 'StockReserved'],
    ]);
    expect(view.truncated).toBe(false);
  });

  it('leaves out the events of streams the caller may not read, and finds nothing for an unknown id', async () => {
    const view = await correlation(storeOf(events), index, CORRELATION_ID, (streamId) => !streamId.startsWith('order-'));
    expect(view.events.map((event) => event.streamId)).toEqual(['product-mug', 'product-mug']);
    expect((await correlation(storeOf(events), index, 'nothing')).events).toEqual([]);
  });
});
