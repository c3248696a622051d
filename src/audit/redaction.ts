// Secrets that events hold for the domain's sake (a user's password hash) are not shown to
// auditors through the history views. Signed exports keep the stored bytes (their hashes must
// verify), so they are complete: see the README.
const SECRET_KEYS = new Set(['passwordHash']);

export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, SECRET_KEYS.has(key) ? '[redacted]' : redactSecrets(inner)]));
}
