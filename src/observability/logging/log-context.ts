// The ids every log line carries while a request or a subscriber batch is being handled, kept in
// an AsyncLocalStorage and added to each line by the root logger's mixin (root-logger.ts).
//
// The fields are read when a line is written, not when the context is entered: a request's
// correlation id and user are only known once the access guard has identified the caller, and the
// lines written after that must name them.
import { AsyncLocalStorage } from 'node:async_hooks';

export type LogFields = Readonly<Record<string, unknown>>;

const context = new AsyncLocalStorage<() => LogFields>();

/** Runs `work` (and everything it starts) with `fields` on every log line. */
export function withLogContext<T>(fields: () => LogFields, work: () => T): T {
  return context.run(fields, work);
}

/** The ids of the request or batch being handled, if any. */
export function currentLogFields(): LogFields {
  return context.getStore()?.() ?? {};
}
