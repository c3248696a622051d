// Money as integer minor units (cents) and an ISO 4217 code: no floating-point amounts, ever.
import { DomainError } from '../decider/domain-error.js';

export interface Money {
  readonly amount: number;
  readonly currency: string;
}

/** The largest amount accepted: well inside Number.MAX_SAFE_INTEGER so sums stay exact. */
export const MAX_AMOUNT = 1_000_000_000_00;

export function positiveMoney(raw: { amount: unknown; currency: unknown }): Money {
  const { amount, currency } = raw;
  if (typeof amount !== 'number' || !Number.isInteger(amount) || amount <= 0 || amount > MAX_AMOUNT) {
    throw new DomainError('invalid', 'invalid_price', `Price amount must be a positive whole number of minor units up to ${MAX_AMOUNT}`);
  }
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
    throw new DomainError('invalid', 'invalid_currency', 'Currency must be an ISO 4217 code such as EUR');
  }
  return { amount, currency };
}

export function sameMoney(a: Money, b: Money): boolean {
  return a.amount === b.amount && a.currency === b.currency;
}
