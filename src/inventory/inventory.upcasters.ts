// How inventory events evolved. Each step is pure and turns one stored shape into the next.
import type { Upcaster } from '../eventstore/upcasting/upcaster.js';

interface StockReceivedV1 {
  productId: string;
  quantity: number;
  /** The supplier's delivery note or purchase order number. */
  reference: string;
}

export const inventoryUpcasters: readonly Upcaster[] = [
  {
    // v2 names the field for what it holds (it is not an internal reference).
    type: 'StockReceived',
    fromVersion: 1,
    upcast: (data) => {
      const { reference, ...rest } = data as StockReceivedV1;
      return { ...rest, deliveryReference: reference };
    },
  },
];
