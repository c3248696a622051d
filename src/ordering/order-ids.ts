// Ids derived, not drawn: the order id from the command id (so a retried POST with the same
// Idempotency-Key places the same order), and the payment and shipment ids from the order id
// (so every step of the saga names them the same way, after any restart).
import { v5 as uuidv5 } from 'uuid';

const ORDER_NAMESPACE = '5b0f6a52-8c3d-4e0b-9f61-2d7c1e4a8b93';
const PAYMENT_NAMESPACE = '9e47c2d1-3b58-4a6f-8d0e-7c1b5a2f9e64';
const SHIPMENT_NAMESPACE = 'c3d8e1f7-6a24-4b9c-a5e0-8f2d7b1c6a35';

export const orderIdFor = (commandId: string) => uuidv5(commandId, ORDER_NAMESPACE);
export const paymentIdFor = (orderId: string) => uuidv5(orderId, PAYMENT_NAMESPACE);
export const shipmentIdFor = (orderId: string) => uuidv5(orderId, SHIPMENT_NAMESPACE);
