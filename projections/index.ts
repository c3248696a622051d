// Every projection the service runs. A new read model is added here and nowhere else.
import { productDetailsProjection } from './product-details/product-details.projection.js';
import { productListProjection } from './product-list/product-list.projection.js';

export const allProjections = [productDetailsProjection, productListProjection] as const;
