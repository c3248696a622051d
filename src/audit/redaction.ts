// Secrets that events held before they left the log (v1 user events carried the password's hash,
// see users.upcasters.ts; v1 order, payment and saga events the payment token, see
// payments.upcasters.ts) are shown to nobody: not in the history views, not in state-at or diffs,
// not in causation trees, and not in exports (exportLine marks such an event redacted).
import { LEGACY_SECRET_FIELDS } from '../identity/users.decider.js';
import { LEGACY_PAYMENT_SECRET_FIELDS } from '../payments/payments.decider.js';

const SECRET_KEYS = new Set<string>([...LEGACY_SECRET_FIELDS, ...LEGACY_PAYMENT_SECRET_FIELDS]);
export const REDACTED = '[redacted]';

export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, SECRET_KEYS.has(key) ? REDACTED : redactSecrets(inner)]));
}

/** The paths of secret keys in `value` (e.g. ["data.passwordHash"]), in a stable order. */
export function secretPaths(value: unknown, path: string): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => secretPaths(item, `${path}[${index}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => (SECRET_KEYS.has(key) ? [`${path}.${key}`] : secretPaths(inner, `${path}.${key}`)));
}
