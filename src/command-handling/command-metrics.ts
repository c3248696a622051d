// How commands fare: accepted, refused by a rule, repeated (answered from the log), lost races.
import { Counter, register } from 'prom-client';

type Outcome = 'recorded' | 'unchanged' | 'repeated' | 'refused' | 'conflict';

function counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
  return (register.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames });
}

const commands = counter('orderstream_commands_total', 'Commands handled, by type and outcome', ['command', 'outcome']);
const retries = counter('orderstream_command_concurrency_retries_total', 'Appends that lost an optimistic-concurrency race and re-decided', ['command']);

export const commandMetrics = {
  outcome: (command: string, outcome: Outcome) => commands.inc({ command, outcome }),
  retried: (command: string) => retries.inc({ command }),
};
