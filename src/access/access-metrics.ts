// How access fares, for alerting on credential stuffing and token abuse: refusals by reason,
// logins by outcome, and rate-limit refusals by limit. Never labelled by user, email or IP.
import { Counter, register } from 'prom-client';

function counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
  return (register.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames });
}

const refusals = counter('orderstream_access_refusals_total', 'Requests refused by the access guard, by reason', ['reason']);
const logins = counter('orderstream_logins_total', 'Login attempts, by outcome', ['outcome']);
const rateLimited = counter('orderstream_rate_limited_total', 'Requests refused with 429, by limit', ['limit']);

export const accessMetrics = {
  refused: (reason: 'unauthorized' | 'invalid_token' | 'forbidden' | 'permission_undeclared') => refusals.inc({ reason }),
  login: (outcome: 'issued' | 'invalid_credentials' | 'rate_limited') => logins.inc({ outcome }),
  rateLimited: (limit: 'login' | 'login_ip' | 'registration_ip' | 'commands_user' | 'commands_ip' | 'audit_reads_user') => rateLimited.inc({ limit }),
};
