// Settings of ordering, from the environment, validated at start with the rest (app-config.ts).
import { integerSetting } from './config-error.js';

export interface OrderingConfig {
  /**
   * Most units of one product on one order line, so one customer cannot reserve a product's whole
   * stock. Enforced by the ordering decider (it comes in with the command, as data); at most the
   * request's own bound on a quantity (1,000, MAX_LINE_QUANTITY in ordering.decider.ts).
   */
  maxLineQuantity: number;
}

export function loadOrderingConfig(env: NodeJS.ProcessEnv): OrderingConfig {
  return { maxLineQuantity: integerSetting(env, 'ORDER_MAX_LINE_QUANTITY', 1_000, 1, 1_000) };
}
