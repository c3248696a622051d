// Every projection the service runs. A new read model is added here and nowhere else.
import { productDetailsProjection } from './product-details/product-details.projection.js';
import { productListProjection } from './product-list/product-list.projection.js';
import { customerOrdersProjection } from './customer-orders/customer-orders.projection.js';
import { orderDetailsProjection } from './order-details/order-details.projection.js';
import { paymentDeadlinesProjection } from './payment-deadlines/payment-deadlines.projection.js';
import { paymentRequestsProjection } from './payment-requests/payment-requests.projection.js';
import { stockLevelsProjection } from './stock-levels/stock-levels.projection.js';
import { usersProjection } from './users/users.projection.js';
import { correlationsProjection } from './correlations/correlations.projection.js';

export const allProjections = [productDetailsProjection, productListProjection, usersProjection,
  orderDetailsProjection, customerOrdersProjection, stockLevelsProjection, paymentRequestsProjection, paymentDeadlinesProjection, correlationsProjection] as const;
