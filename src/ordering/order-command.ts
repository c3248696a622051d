// The CommandBus message for ordering commands, and its handler: load the order stream, decide,
// append. (Placing an order looks the catalogue up first: place-order/.)
import { DeciderCommandMessage, deciderCommandHandler } from '../command-handling/decider-command-handler.js';
import { orderingDecider, orderStreamId, type OrderCommand } from './ordering.decider.js';

export class OrderCommandMessage extends DeciderCommandMessage<OrderCommand> {}

export const OrderCommandHandler = deciderCommandHandler(OrderCommandMessage, orderingDecider, (command) => orderStreamId(command.orderId));
