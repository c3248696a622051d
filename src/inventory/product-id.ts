// A product's id is derived from its SKU, which makes SKU uniqueness a property of the stream
// id itself: two registrations of one SKU target one stream, and "no stream" lets one win.
import { v5 as uuidv5 } from 'uuid';

const PRODUCT_NAMESPACE = '7d1c4b7e-2f63-4f0e-8a7e-5d2b9c4a1f30';

export const productIdForSku = (sku: string) => uuidv5(sku, PRODUCT_NAMESPACE);
